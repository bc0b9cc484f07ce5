package dev.agenttunnel.core.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.config.AttachmentSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTest {
    @TempDir
    Path root;

    private final OfficeConverter off = new OfficeConverter(new AttachmentSettings("off", ""), new Environment(Map.of("HOME", "/nonexistent"), Path.of("/")));

    /** Serves each attachment's URL as its content. */
    private static Inbox.Downloads fromUrls() {
        return a -> new ByteArrayInputStream(a.url().getBytes(StandardCharsets.UTF_8));
    }

    private static ChatAttachment file(String name, String content) {
        return new ChatAttachment(name, content.length(), content);
    }

    private List<Path> everythingUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void hostileNamesAllLandInsideTheTurnFolder() throws Exception {
        Path uploads = root.resolve("state/uploads/th-1");
        Inbox.Intake intake = new Inbox(10, 1 << 20, off).take(List.of(file("../../evil.txt", "a"),
                file(".claude/settings.json", "b"), file("n".repeat(300) + ".txt", "c"), file("same.txt", "d"),
                file("same.txt", "e")), uploads, fromUrls());
        assertEquals(5, intake.handed().size());
        Path turnDir = intake.handed().getFirst().getParent();
        assertEquals(uploads, turnDir.getParent());
        assertTrue(turnDir.getFileName().toString().matches("[0-9a-f]{8}"));
        for (Path p : intake.handed()) {
            assertEquals(turnDir, p.getParent(), p.toString());
            assertTrue(p.getFileName().toString().length() <= SafeNames.MAX_LENGTH);
            assertFalse(p.getFileName().toString().startsWith("."));
        }
        assertEquals(List.of("evil.txt", "settings.json", "n".repeat(116) + ".txt", "same.txt", "same-2.txt"),
                intake.handed().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("e", Files.readString(turnDir.resolve("same-2.txt")));
        assertEquals(List.of(uploads, turnDir), everythingUnder(root.resolve("state/uploads")).stream()
                .filter(Files::isDirectory).toList(), "no folder but the turn's");
        assertTrue(intake.skipped().isEmpty());
    }

    @Test
    void filesOverTheCapsAreSkippedAndNamed() throws Exception {
        List<ChatAttachment> files = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            files.add(file("f" + i + ".txt", "content " + i));
        }
        files.set(3, new ChatAttachment("big.bin", 5000, "x".repeat(5000)));
        files.set(4, new ChatAttachment("liar.bin", 10, "y".repeat(5000))); // says 10 bytes, sends 5000
        Inbox.Intake intake = new Inbox(10, 1000, off).take(files, root.resolve("uploads/th-2"), fromUrls());
        assertEquals(11, intake.attached());
        assertEquals(8, intake.handed().size());
        assertEquals(3, intake.skipped().size(), intake.skipped().toString());
        assertTrue(intake.skipped().get(0).startsWith("big.bin (0.0 MB, over"), intake.skipped().toString());
        assertTrue(intake.skipped().get(1).startsWith("liar.bin (over"), intake.skipped().toString());
        assertTrue(intake.skipped().get(2).startsWith("f11.txt (over 10 files"), intake.skipped().toString());
        Path turnDir = intake.handed().getFirst().getParent();
        assertFalse(Files.exists(turnDir.resolve("liar.bin")), "a download cut at the cap leaves nothing behind");
    }

    @Test
    void aFailedDownloadIsSkippedAndLogged() throws Exception {
        Inbox.Intake intake = new Inbox(10, 1000, off).take(List.of(file("gone.txt", "x"), file("ok.txt", "y")),
                root.resolve("uploads/th-3"), a -> {
                    if (a.fileName().equals("gone.txt")) {
                        throw new IOException("404");
                    }
                    return new ByteArrayInputStream(a.url().getBytes(StandardCharsets.UTF_8));
                });
        assertEquals(List.of("gone.txt (download failed)"), intake.skipped());
        assertEquals(1, intake.handed().size());
        assertTrue(intake.log().getFirst().startsWith("Download failed: gone.txt"), intake.log().toString());
    }

    @Test
    void anOfficeFileWithoutConversionIsUnreadable() throws Exception {
        Inbox.Intake intake = new Inbox(10, 1000, off).take(List.of(file("plan.docx", "not really")),
                root.resolve("uploads/th-4"), fromUrls());
        assertTrue(intake.handed().isEmpty());
        assertEquals(List.of("plan.docx"), intake.unreadable());
        assertEquals("Office conversion is turned off", intake.whyNot());
    }

    @Test
    void noFilesNoFolder() throws Exception {
        Inbox.Intake intake = new Inbox(10, 1000, off).take(List.of(), root.resolve("uploads/th-5"), fromUrls());
        assertEquals(0, intake.attached());
        assertFalse(Files.exists(root.resolve("uploads/th-5")));
    }
}
