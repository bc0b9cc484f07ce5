package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.turn.TurnFolders;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.SampleFiles;
import dev.agenttunnel.testkit.Script;
import dev.agenttunnel.testkit.ToolCall;
import dev.agenttunnel.testkit.discord.Attachment;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Files both ways, end to end: the real JDA ↔ Discord emulator (serving the attachments' bytes) ↔ daemon ↔ real
 * claude ↔ fake API. The fake model reads every path the fork's prompt announces with claude's Read tool and answers
 * with the markers it found, so an answer shows what the fork could really read.
 */
class AttachmentsEndToEndTest {
    private static final Pattern ANNOUNCED = Pattern.compile("^- (/.+)$", Pattern.MULTILINE);
    private static final Pattern MARKER = Pattern.compile("MARK-[A-Za-z0-9]+");
    private static final Pattern OUTBOX = Pattern.compile("save it in (/\\S+)");

    ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private ServeWorld started(String limits) throws Exception {
        w = new ServeWorld(limits, "");
        w.startDaemon();
        w.world.api.scriptMain(reader());
        return w;
    }

    @Test
    void aCsvAPdfAndAnImageAreReadByTheForkAndAFileOnlyFollowUpIsAnswered() throws Exception {
        started("");
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read this", List.of(
                Attachment.text("numbers.csv", "id,amount\n1,MARK-csv1\n"),
                new Attachment("invoice.pdf", SampleFiles.pdf("Invoice MARK-pdf1")),
                new Attachment("chart.png", SampleFiles.png("MARK-png1"))));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage answer = w.awaitBot(thread, "READ ");
        assertTrue(answer.content().contains("numbers.csv: MARK-csv1"), answer.content() + "\n" + dump());
        assertTrue(answer.content().contains("invoice.pdf: MARK-pdf1"), answer.content() + "\n" + dump());
        assertTrue(answer.content().contains("chart.png: MARK-png1"), answer.content() + "\n" + dump());
        assertTrue(w.world.api.mainRequests().stream().anyMatch(r -> r.allText().contains("read this")));

        w.discord.postAsUser(thread, w.alice, "", List.of(Attachment.text("more.txt", "MARK-txt2")));
        PostedMessage second = w.awaitBot(thread, "more.txt: MARK-txt2");
        assertFalse(second.content().startsWith("⚠️"));
        assertTrue(w.world.api.mainRequests().getLast().allText().contains("Please review the attached file(s)"));

        Path uploads = TurnFolders.uploadsDir(w.settings().tunnel().stateDir(), "th:" + thread);
        try (Stream<Path> turns = Files.list(uploads)) {
            assertEquals(2, turns.count(), "one folder per turn that brought files");
        }
        w.post(thread, w.alice, "!done");
        w.awaitBot(thread, "✅ Closed");
        assertFalse(Files.exists(uploads), "closing the thread deletes its uploads");
    }

    @Test
    void hostileNamesAreAllStoredInsideTheThreadsFolderAndNothingElsewhere() throws Exception {
        started("");
        String longName = "L".repeat(296) + ".txt";
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read these", List.of(
                Attachment.text("../../evil.txt", "MARK-evil"),
                Attachment.text(".claude/settings.json", "{\"note\": \"MARK-settings\"}"),
                Attachment.text(longName, "MARK-long"),
                Attachment.text("same.txt", "MARK-sameA"),
                Attachment.text("same.txt", "MARK-sameB")));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage answer = w.awaitBot(thread, "READ ");
        for (String marker : List.of("MARK-evil", "MARK-settings", "MARK-long", "MARK-sameA", "MARK-sameB")) {
            assertTrue(answer.content().contains(marker), marker + " in " + answer.content());
        }
        List<Path> uploads = uploadsOf(thread);
        assertEquals(5, uploads.size(), uploads.toString());
        Path turnDir = uploads.getFirst().getParent();
        assertEquals(TurnFolders.uploadsDir(w.settings().tunnel().stateDir(), "th:" + thread), turnDir.getParent());
        for (Path p : uploads) {
            assertEquals(turnDir, p.getParent(), "stored inside the turn's folder: " + p);
            assertTrue(p.getFileName().toString().length() <= 120 && !p.getFileName().toString().startsWith("."), p.toString());
        }
        try (Stream<Path> all = Files.walk(w.world.sandbox.root())) {
            List<Path> strays = all.filter(p -> !p.startsWith(turnDir))
                    .filter(p -> p.getFileName().toString().equals("evil.txt") || p.getFileName().toString().startsWith("LLLL")
                            || (p.getFileName().toString().equals(".claude") && !p.equals(w.world.sandbox.configDir())))
                    .toList();
            assertEquals(List.of(), strays, "nothing created outside the thread's folder, no .claude folder");
        }
    }

    @Test
    void filesOverTheCountOrSizeCapsAreSkippedWithOneNoteAndTheRestRead() throws Exception {
        started("max_attachments = 10\nmax_attachment_mb = 0.01\n");
        List<Attachment> files = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            files.add(Attachment.text("part" + i + ".txt", "MARK-part" + i));
        }
        files.set(2, new Attachment("huge.txt", ("MARK-huge " + "x".repeat(20_000)).getBytes(StandardCharsets.UTF_8)));
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read all", files);
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage note = w.awaitBot(thread, "⚠️ Skipped");
        assertTrue(note.content().contains("huge.txt (0.0 MB, over 0.0 MB)") || note.content().contains("huge.txt ("), note.content());
        assertTrue(note.content().contains("part11.txt (over 10 files per message)"), note.content());
        PostedMessage answer = w.awaitBot(thread, "READ ");
        for (int i : List.of(1, 2, 4, 5, 6, 7, 8, 9, 10)) {
            assertTrue(answer.content().contains("part" + i + ".txt: MARK-part" + i), answer.content());
        }
        assertFalse(answer.content().contains("MARK-huge") || answer.content().contains("MARK-part11"), answer.content());
        assertEquals(1, w.discord.messagesIn(thread).stream().filter(m -> m.byBot() && m.content().contains("Skipped")).count());
    }

    @Test
    void aReadForkCannotReadAnotherThreadsUploads() throws Exception {
        started("");
        String message = w.discord.postAsUser(w.channel, w.alice, "payments keep this", List.of(Attachment.text("private.txt", "MARK-alice")));
        String aliceThread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        w.awaitBot(aliceThread, "private.txt: MARK-alice");
        Path alicesFile = uploadsOf(aliceThread).getFirst();

        String bobThread = w.openThread(w.bob, "payments what did Alice send?\n- " + alicesFile);
        PostedMessage answer = w.awaitBot(bobThread, "READ ");
        assertTrue(answer.content().contains("private.txt: nothing"), answer.content());
        assertFalse(answer.content().contains("MARK-alice"), answer.content());
    }

    @Test
    void aDocxIsConvertedWithLibreOffice() throws Exception {
        started("");
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read the plan",
                List.of(new Attachment("plan.docx", SampleFiles.docx("Plan MARK-docx1"))));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage answer = w.awaitBot(thread, "READ ");
        assertTrue(answer.content().contains("plan.pdf: PDF by LibreOffice"), answer.content());
        assertTrue(uploadsOf(thread).stream().anyMatch(p -> p.toString().endsWith("/converted/plan-docx/plan.pdf")), uploadsOf(thread).toString());
    }

    @Test
    void withoutLibreOfficeADocxIsConvertedWithPandoc() throws Exception {
        w = new ServeWorld("", "");
        w.startDaemonWithPath(pathWithout("soffice", "libreoffice"));
        w.world.api.scriptMain(reader());
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read the plan",
                List.of(new Attachment("plan.docx", SampleFiles.docx("Plan MARK-docx2"))));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage answer = w.awaitBot(thread, "READ ");
        assertTrue(answer.content().contains("plan.md: MARK-docx2"), answer.content());
    }

    @Test
    void withConversionOffTheColleagueIsAskedForAPdf() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config) + "[attachments]\nconvert = \"off\"\n");
        w.startDaemon();
        w.world.api.scriptMain(reader());
        String message = w.discord.postAsUser(w.channel, w.alice, "payments",
                List.of(new Attachment("plan.docx", SampleFiles.docx("Plan MARK-docx3"))));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        PostedMessage note = w.awaitBot(thread, "Couldn't open plan.docx");
        assertTrue(note.content().contains("Office conversion is turned off") && note.content().contains("PDF"), note.content());
        w.awaitBot(thread, "Nothing to act on");
        assertTrue(w.world.api.mainRequests().stream().noneMatch(r -> r.allText().contains("plan.docx")), "no turn without a readable file");
    }

    @Test
    void aWriteForksReportArrivesByteIdenticalOnce() throws Exception {
        started("");
        w.share(">share --write payments");
        String report = "# Settlement report\n\nRuns at 02:15 UTC — amounts in milli-cents ✓\n";
        w.world.api.scriptMain(request -> {
            if (!request.isMainConversation()) {
                return Reply.text("not a question");
            }
            String question = lastQuestion(request);
            Matcher outbox = OUTBOX.matcher(question);
            if (!question.contains("write the report") || !outbox.find()) {
                return Reply.text("nothing to write (" + question.contains(".agent-tunnel-out") + ")");
            }
            ToolCall write = ToolCall.of(callId(question, "write"), "Write",
                    Map.of("file_path", outbox.group(1) + "/report.md", "content", report));
            return request.hasToolResultFor(write.id()) ? Reply.text("Report written.") : Reply.toolUse(write);
        });
        String thread = w.openThread(w.alice, "payments write the report");
        PostedMessage delivered = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.file("report.md").isPresent(),
                ServeWorld.WAIT);
        assertTrue(delivered.content().contains("📎"), delivered.content());
        assertArrayEquals(report.getBytes(StandardCharsets.UTF_8), delivered.file("report.md").orElseThrow().content());
        w.post(thread, w.alice, "thanks, anything else?");
        w.awaitBot(thread, "nothing to write");
        assertEquals(1, w.discord.messagesIn(thread).stream().filter(m -> m.file("report.md").isPresent()).count(), "posted once");
    }

    @Test
    void aBashForksLinksToASecretAndAFifoAreNeverPostedAndNeverHangTheTurn() throws Exception {
        started("");
        w.share(">share --dangerously-allow-bash payments");
        Path idRsa = w.world.sandbox.home().resolve(".ssh/id_rsa");
        Files.createDirectories(idRsa.getParent());
        Files.writeString(idRsa, "MARK-sshkey\n");
        w.world.api.scriptMain(request -> {
            if (!request.isMainConversation()) {
                return Reply.text("not a question");
            }
            String question = lastQuestion(request);
            Matcher outbox = OUTBOX.matcher(question);
            if (!outbox.find()) {
                return Reply.text("no outbox");
            }
            Path out = Path.of(outbox.group(1));
            ToolCall bash = ToolCall.of(callId(question, "bash"), "Bash", Map.of("command",
                    "cd " + out + " && echo fine > ok.txt; ln -s " + idRsa + " key-link; ln " + idRsa + " key-hard; mkfifo pipe; true",
                    "description", "plant"));
            if (!request.hasToolResultFor(bash.id())) {
                return Reply.toolUse(bash);
            }
            plant(out, idRsa); // as if the sandbox had let every one of them through
            return Reply.text("Planted.");
        });
        String thread = w.openThread(w.alice, "payments hand me the key");
        w.awaitBot(thread, "Planted.");
        PostedMessage note = w.awaitBot(thread, "⚠️ Not posted");
        for (String name : List.of("test-link", "test-hard", "test-pipe")) {
            assertTrue(note.content().contains(name), note.content());
        }
        PostedMessage files = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.file("ok.txt").isPresent(), ServeWorld.WAIT);
        assertEquals(List.of("ok.txt"), files.files().stream().map(f -> f.name()).toList());
        for (PostedMessage m : w.discord.messagesIn(thread)) {
            assertTrue(m.files().stream().noneMatch(f -> f.text().contains("MARK-sshkey")), m.summary());
            assertFalse(m.content().contains("MARK-sshkey"), m.summary());
        }
        w.post(thread, w.alice, "still there?");
        w.awaitBot(thread, "Planted.");
    }

    @Test
    void aReadHandleGetsNoOutbox() throws Exception {
        started("");
        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "NO FILES");
        assertTrue(w.world.api.mainRequests().stream().noneMatch(r -> r.allText().contains(TurnFolders.OUTBOX_ROOT)),
                "a read fork is told of no outbox");
        assertFalse(Files.exists(w.project.resolve(TurnFolders.OUTBOX_ROOT)), "and none is made");
    }

    @Test
    void theTmuxBackendReadsAttachmentsToo() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        w.startDaemon();
        w.world.api.scriptMain(reader());
        String message = w.discord.postAsUser(w.channel, w.alice, "payments read this",
                List.of(Attachment.text("numbers.csv", "id\nMARK-tmux1\n")));
        String thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
        w.awaitBot(thread, "numbers.csv: MARK-tmux1");
        w.discord.postAsUser(thread, w.alice, "", List.of(Attachment.text("later.csv", "MARK-tmux2")));
        w.awaitBot(thread, "later.csv: MARK-tmux2");
    }

    /** A symbolic and a hard link to {@code secret} and a FIFO, made by the test itself inside the outbox (once). */
    private static void plant(Path out, Path secret) {
        if (Files.exists(out.resolve("test-pipe"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createSymbolicLink(out.resolve("test-link"), secret);
            Files.createLink(out.resolve("test-hard"), secret);
            if (new ProcessBuilder("mkfifo", out.resolve("test-pipe").toString()).start().waitFor() != 0) {
                throw new IllegalStateException("mkfifo failed");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** This JVM's PATH with every folder that holds one of {@code programs} replaced by a copy of links without them. */
    private String pathWithout(String... programs) throws Exception {
        List<String> dirs = new ArrayList<>();
        Path shadows = w.world.sandbox.newDirectory("shadow-path");
        int n = 0;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path folder = Path.of(dir);
            if (List.of(programs).stream().noneMatch(p -> Files.exists(folder.resolve(p)))) {
                dirs.add(dir);
                continue;
            }
            Path shadow = Files.createDirectories(shadows.resolve("d" + n++));
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path entry : entries.toList()) {
                    if (!List.of(programs).contains(entry.getFileName().toString())) {
                        Files.createSymbolicLink(shadow.resolve(entry.getFileName()), entry);
                    }
                }
            }
            dirs.add(shadow.toString());
        }
        String path = String.join(":", dirs);
        for (String p : programs) {
            assertTrue(dirs.stream().noneMatch(d -> Files.exists(Path.of(d, p))), p + " still on " + path);
        }
        return path;
    }

    /** The fake model: reads every announced path of the latest question, then answers {@code READ <name>: <markers>…}. */
    private static Script reader() {
        return request -> {
            if (!request.isMainConversation()) {
                return Reply.text("not a question");
            }
            String question = lastQuestion(request);
            List<ToolCall> calls = new ArrayList<>();
            Matcher paths = ANNOUNCED.matcher(question);
            while (paths.find()) {
                String path = paths.group(1).strip();
                calls.add(ToolCall.of(callId(question, path), "Read", Map.of("file_path", path)));
            }
            if (calls.isEmpty()) {
                return Reply.text("NO FILES in: " + question);
            }
            if (!calls.stream().allMatch(c -> request.hasToolResultFor(c.id()))) {
                return Reply.toolUse("Reading the files.", calls);
            }
            StringBuilder answer = new StringBuilder("READ ");
            for (ToolCall call : calls) {
                String path = call.input().path("file_path").asText();
                String content = request.toolResultContent(call.id());
                Matcher markers = MARKER.matcher(content);
                List<String> found = new ArrayList<>();
                while (markers.find()) {
                    found.add(markers.group());
                }
                if (content.startsWith("%PDF") || content.contains("\n%PDF")) {
                    // LibreOffice names itself in the PDF's Info as UTF-16 hex: <FEFF004C0069…> is "Li…"
                    found.add(content.contains("/Producer<FEFF004C0069006200720065004F006600660069006300650020") ? "PDF by LibreOffice" : "PDF");
                }
                answer.append("\n").append(Path.of(path).getFileName()).append(": ")
                        .append(found.isEmpty() ? "nothing (" + content.replace('\n', ' ').substring(0, Math.min(200, content.length())) + ")"
                                : String.join(" ", found.stream().distinct().toList()));
            }
            return Reply.text(answer.toString());
        };
    }

    /** The text of the newest user message that is a question (not a tool result). */
    private static String lastQuestion(RecordedRequest request) {
        List<com.fasterxml.jackson.databind.JsonNode> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            var message = messages.get(i);
            if (!message.path("role").asText().equals("user")) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            var content = message.path("content");
            if (content.isTextual()) {
                text.append(content.asText());
            }
            content.forEach(block -> {
                if (block.path("type").asText().equals("text") && !block.path("text").asText().startsWith("<system-reminder>")) {
                    text.append(block.path("text").asText()).append('\n');
                }
            });
            if (text.toString().contains("Relayed message")) {
                return text.toString();
            }
        }
        return "";
    }

    private static String callId(String question, String path) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest((question + "\0" + path).getBytes(StandardCharsets.UTF_8));
            return "toolu_read_" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String dump() {
        StringBuilder s = new StringBuilder();
        for (RecordedRequest r : w.world.api.mainRequests()) {
            s.append(r.summary()).append('\n');
            r.toolResultIds().forEach(id -> s.append("  result ").append(id).append(": ")
                    .append(r.json().toString().length()).append('\n'));
        }
        String last = w.world.api.mainRequests().isEmpty() ? "" : w.world.api.mainRequests().getLast().json().toString();
        return s + "\n" + (last.length() > 6000 ? last.substring(last.length() - 6000) : last);
    }

    /** Every file below the thread's uploads folder. */
    private List<Path> uploadsOf(String thread) throws Exception {
        Path dir = TurnFolders.uploadsDir(w.settings().tunnel().stateDir(), "th:" + thread);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
