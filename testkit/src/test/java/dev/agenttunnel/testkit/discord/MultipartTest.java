package dev.agenttunnel.testkit.discord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {
    @Test
    void splitsFieldsAndFilesKeepingBinaryBytes() {
        byte[] binary = {0, '\r', '\n', '-', '-', (byte) 0xff};
        byte[] body = concat(("--xyz\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{\"a\":1}\r\n"
                + "--xyz\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"we%22ird.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8), binary,
                "\r\n--xyz--\r\n".getBytes(StandardCharsets.UTF_8));

        Multipart multipart = Multipart.parse("multipart/form-data; boundary=xyz", body);

        assertEquals("{\"a\":1}", multipart.part("payload_json").orElseThrow().text());
        Multipart.Part file = multipart.files().get("files[0]");
        assertEquals("we\"ird.bin", file.fileName());
        assertArrayEquals(binary, file.content());
        assertEquals(List.of("payload_json", "files[0]"), multipart.parts().stream().map(Multipart.Part::name)
                .toList());
    }

    @Test
    void refusesABodyWithoutItsBoundary() {
        assertThrows(ApiError.class, () -> Multipart.parse("multipart/form-data; boundary=xyz",
                "nothing here".getBytes(StandardCharsets.UTF_8)));
        assertThrows(ApiError.class, () -> Multipart.parse("multipart/form-data", new byte[0]));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
