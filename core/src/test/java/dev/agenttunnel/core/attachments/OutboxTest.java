package dev.agenttunnel.core.attachments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.chat.OutgoingFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path root;

    private Path outbox() throws Exception {
        return Files.createDirectories(root.resolve("project/.agent-tunnel-out/th-1"));
    }

    @Test
    void newAndChangedFilesArePostedOnceByteForByte() throws Exception {
        Path box = outbox();
        Files.writeString(box.resolve("old.md"), "posted last turn");
        Outbox.Snapshot before = Outbox.snapshot(box);
        byte[] report = "# Report\n\u00e9\u0000binary\n".getBytes(StandardCharsets.UTF_8);
        Files.write(box.resolve("report.md"), report);
        Files.createDirectories(box.resolve("sub"));
        Files.writeString(box.resolve("sub/data.csv"), "a,b\n");
        Outbox.Deliverables got = Outbox.collect(box, before, 1 << 20);
        assertEquals(List.of("report.md", "sub_data.csv"), got.files().stream().map(OutgoingFile::name).toList());
        assertArrayEquals(report, got.files().getFirst().content());
        assertTrue(got.refused().isEmpty() && got.tooLarge().isEmpty());

        Outbox.Snapshot next = Outbox.snapshot(box);
        assertTrue(Outbox.collect(box, next, 1 << 20).isEmpty(), "nothing new: nothing posted again");
        Files.writeString(box.resolve("old.md"), "changed!!!!!!!!!");
        assertEquals(List.of("old.md"), Outbox.collect(box, next, 1 << 20).files().stream().map(OutgoingFile::name).toList());
    }

    @Test
    @Timeout(20)
    void linksFifosAndSocketsAreNamedNeverReadAndNeverWaitedOn() throws Exception {
        Path box = outbox();
        Path secret = Files.writeString(root.resolve("id_rsa"), "SECRET-KEY");
        Outbox.Snapshot before = Outbox.snapshot(box);
        Files.createSymbolicLink(box.resolve("key-link"), secret);
        Files.createLink(box.resolve("key-hard"), secret);
        Files.createSymbolicLink(box.resolve("dir-link"), root);
        assertEquals(0, new ProcessBuilder("mkfifo", box.resolve("pipe").toString()).inheritIO().start().waitFor());
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(box.resolve("sock")));
            Outbox.Deliverables got = Outbox.collect(box, before, 1 << 20);
            assertTrue(got.files().isEmpty(), got.files().toString());
            assertEquals(List.of("dir-link (a symbolic link)", "key-hard (a hard link to a file with another name)",
                    "key-link (a symbolic link)", "pipe (not a regular file (a FIFO, socket or device))",
                    "sock (not a regular file (a FIFO, socket or device))"), got.refused());
        }
    }

    @Test
    void filesOverTheCapAreNamedWithTheirSize() throws Exception {
        Path box = outbox();
        Outbox.Snapshot before = Outbox.snapshot(box);
        Files.write(box.resolve("huge.bin"), new byte[3 * 1024 * 1024]);
        Files.writeString(box.resolve("small.txt"), "ok");
        Outbox.Deliverables got = Outbox.collect(box, before, 1024 * 1024);
        assertEquals(List.of("huge.bin (3.0 MB)"), got.tooLarge());
        assertEquals(List.of("small.txt"), got.files().stream().map(OutgoingFile::name).toList());
    }

    @Test
    void anOutboxReplacedByALinkGivesNothing() throws Exception {
        Path box = outbox();
        Outbox.Snapshot before = Outbox.snapshot(box);
        Path elsewhere = Files.createDirectories(root.resolve("home/.ssh"));
        Files.writeString(elsewhere.resolve("id_rsa"), "SECRET-KEY");
        Files.delete(box);
        Files.createSymbolicLink(box, elsewhere);
        assertTrue(Outbox.collect(box, before, 1 << 20).isEmpty());
        Files.delete(box);
        Path rootLink = box.getParent();
        Files.delete(rootLink);
        Files.createDirectories(root.resolve("home/.ssh/th-1"));
        Files.writeString(root.resolve("home/.ssh/th-1/id_rsa"), "SECRET-KEY");
        Files.createSymbolicLink(rootLink, root.resolve("home/.ssh"));
        assertTrue(Outbox.collect(box, before, 1 << 20).isEmpty(), "an outbox root that is a link gives nothing either");
    }
}
