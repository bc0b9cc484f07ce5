package dev.agenttunnel.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatUser;
import dev.agenttunnel.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The durable inbox: every question the bridge accepts is written here (appended, fsync'd) before it is acknowledged,
 * an answer claude gave is written before it is posted, and the question leaves once its answer or error is in its
 * thread. After a crash, a SIGKILL or a stop mid-turn, {@link #pending} says what the restarted daemon still owes:
 * questions to answer (once), and answers to post that claude already gave (so the turn is not run again).
 *
 * <p>One line of JSON per entry in {@code <state dir>/journal.jsonl}: {@code {"t":"q",…}} a question, {@code
 * {"t":"a","id":…,"fork":…,"text":…}} its answer, {@code {"t":"d","id":…}} done. Writes run in order on one thread of
 * the journal's own; {@link #compact} rewrites the file with only what is pending.
 */
public final class QuestionJournal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Past this many lines the journal is rewritten with only what is still pending. */
    private static final int COMPACT_AFTER = 2000;

    /** A question the daemon still owes an answer to; {@code answer} when claude already gave it. */
    public record Pending(ChatEvent question, Optional<Answer> answer) {
    }

    public record Answer(String forkSessionId, String text) {
    }

    private final Path file;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("journal").unstarted(r));
    private FileChannel channel;
    private int lines;

    public QuestionJournal(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Journals an accepted question; completes once it is on disk. */
    public CompletionStage<Void> accepted(ChatEvent question) {
        return append(raw(question));
    }

    /** Journals claude's answer to {@code messageId} before it is posted. */
    public CompletionStage<Void> answered(String messageId, String forkSessionId, String text) {
        return append(JSON.createObjectNode().put("t", "a").put("id", messageId).put("fork", forkSessionId).put("text", text));
    }

    /** The question's answer or error is in its thread: it leaves the journal. */
    public CompletionStage<Void> done(String messageId) {
        return append(JSON.createObjectNode().put("t", "d").put("id", messageId));
    }

    /** What is still owed, in the order the questions came; a line cut short by a crash is skipped. */
    public List<Pending> pending() throws IOException {
        Map<String, ChatEvent> questions = new LinkedHashMap<>();
        Map<String, Answer> answers = new LinkedHashMap<>();
        List<String> all;
        try {
            all = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        for (String line : all) {
            JsonNode entry;
            try {
                entry = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            String id = entry.path("id").asText("");
            switch (entry.path("t").asText("")) {
                case "q" -> questions.put(id, question(entry));
                case "a" -> answers.put(id, new Answer(entry.path("fork").asText(""), entry.path("text").asText("")));
                case "d" -> {
                    questions.remove(id);
                    answers.remove(id);
                }
                default -> {
                }
            }
        }
        List<Pending> pending = new ArrayList<>();
        questions.forEach((id, q) -> pending.add(new Pending(q, Optional.ofNullable(answers.get(id)))));
        return pending;
    }

    /** Rewrites the journal with only what is pending (atomically); call when nothing is being written. */
    public void compact() throws IOException {
        try {
            CompletableFuture.runAsync(() -> {
                try {
                    compactNow();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, writer).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    private CompletionStage<Void> append(ObjectNode entry) {
        return CompletableFuture.runAsync(() -> {
            try {
                if (channel == null) {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
                ByteBuffer bytes = ByteBuffer.wrap(jsonLine(entry).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
                if (++lines > COMPACT_AFTER && entry.path("t").asText().equals("d")) {
                    compactNow();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, writer);
    }

    private void compactNow() throws IOException {
        closeChannel();
        StringBuilder kept = new StringBuilder();
        for (Pending p : pending()) {
            kept.append(JSON.writeValueAsString(raw(p.question()))).append('\n');
            p.answer().ifPresent(a -> kept.append(jsonLine(JSON.createObjectNode().put("t", "a").put("id", p.question().messageId())
                    .put("fork", a.forkSessionId()).put("text", a.text()))));
        }
        AtomicFiles.replace(file, kept.toString().getBytes(StandardCharsets.UTF_8));
        lines = 0;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static ObjectNode raw(ChatEvent q) {
        ObjectNode entry = JSON.createObjectNode().put("t", "q").put("id", q.messageId()).put("channel", q.channelId())
                .put("kind", q.kind().name()).put("parent", q.parentId()).put("text", q.content()).put("owner", q.threadOwnerId());
        ObjectNode author = entry.putObject("author").put("id", q.author().id()).put("name", q.author().displayName())
                .put("bot", q.author().bot());
        ArrayNode roles = author.putArray("roles");
        q.author().roleIds().forEach(roles::add);
        ArrayNode files = entry.putArray("files");
        q.attachments().forEach(a -> files.addObject().put("name", a.fileName()).put("size", a.sizeBytes()).put("url", a.url()));
        return entry;
    }

    private static ChatEvent question(JsonNode e) {
        JsonNode a = e.path("author");
        List<String> roles = new ArrayList<>();
        a.path("roles").forEach(r -> roles.add(r.asText()));
        List<ChatAttachment> files = new ArrayList<>();
        e.path("files").forEach(f -> files.add(new ChatAttachment(f.path("name").asText(""), f.path("size").asLong(0), f.path("url").asText(""))));
        ChatEvent.ChannelKind kind;
        try {
            kind = ChatEvent.ChannelKind.valueOf(e.path("kind").asText("OTHER"));
        } catch (IllegalArgumentException ex) {
            kind = ChatEvent.ChannelKind.OTHER;
        }
        return new ChatEvent(e.path("id").asText(""), e.path("channel").asText(""), kind, e.path("parent").asText(""),
                new ChatUser(a.path("id").asText(""), a.path("name").asText(""), roles, a.path("bot").asBoolean(false)),
                e.path("text").asText(""), files, e.path("owner").asText(""));
    }

    private static String jsonLine(ObjectNode entry) {
        try {
            return JSON.writeValueAsString(entry) + "\n";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Finishes the writes already asked for (at most 5 s), then closes the file. */
    @Override
    public void close() {
        writer.submit(() -> {
            try {
                closeChannel();
            } catch (IOException e) {
                // closing anyway
            }
        });
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
