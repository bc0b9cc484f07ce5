package dev.agenttunnel.core.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadAreaTest {
    @TempDir
    Path uploads;

    private Path thread(String key, int kib, Instant when) throws Exception {
        Path turn = Files.createDirectories(uploads.resolve(key).resolve("0000abcd"));
        Path file = Files.write(turn.resolve("f.bin"), new byte[kib * 1024]);
        for (Path p : List.of(file, turn, turn.getParent())) {
            Files.setLastModifiedTime(p, FileTime.from(when));
        }
        return turn.getParent();
    }

    @Test
    void theOldestThreadsGoFirstUntilTheRestFitAndTheCurrentOneStays() throws Exception {
        Instant now = Instant.now();
        Path oldest = thread("th-1", 400, now.minusSeconds(3000));
        Path current = thread("th-2", 400, now.minusSeconds(2000));
        Path middle = thread("th-3", 400, now.minusSeconds(1000));
        Path newest = thread("th-4", 400, now);
        List<Path> deleted = UploadArea.trim(uploads, 900 * 1024, current);
        assertEquals(List.of(oldest, middle), deleted);
        assertFalse(Files.exists(oldest));
        assertFalse(Files.exists(middle));
        assertTrue(Files.exists(current) && Files.exists(newest));
        assertEquals(List.of(), UploadArea.trim(uploads, 900 * 1024, current), "within the limit: nothing more goes");
    }
}
