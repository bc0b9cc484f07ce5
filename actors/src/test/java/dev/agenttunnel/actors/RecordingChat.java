package dev.agenttunnel.actors;

import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.chat.OutgoingFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A fake of our own chat port that records every call in order and lets tests await them. */
final class RecordingChat implements ChatPort {
    record Call(String kind, String channelId, String messageId, String text, List<OutgoingFile> files) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final AtomicLong ids;

    /** @param firstId ids of threads and messages count up from here (a new chat must not reuse an old one's thread ids) */
    RecordingChat(long firstId) {
        ids = new AtomicLong(firstId);
    }

    RecordingChat() {
        this(9000);
    }
    private volatile Predicate<String> held = text -> false;
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    private volatile CompletableFuture<Void> threadsHeld = CompletableFuture.completedFuture(null);

    /** Posts whose text matches {@code which} are recorded at once but complete only at {@link #releasePosts()}. */
    void holdPosts(Predicate<String> which) {
        held = which;
    }

    void releasePosts() {
        released.complete(null);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    private synchronized void record(Call call) {
        calls.add(call);
        notifyAll();
    }

    /** Waits (event-driven, with a deadline) for a call matching {@code test}. */
    synchronized Call await(Predicate<Call> test, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            for (Call c : calls) {
                if (test.test(c)) {
                    return c;
                }
            }
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new AssertionError("no matching chat call within " + timeout + "; calls: " + calls);
            }
            wait(left);
        }
    }

    /** Like a probe's {@code expectNoMessage}: fails if a new call matching {@code test} is made within {@code window}. */
    synchronized void expectNone(Predicate<Call> test, Duration window) throws InterruptedException {
        int from = calls.size();
        Instant end = Instant.now().plus(window);
        for (long left = window.toMillis(); left > 0; left = Duration.between(Instant.now(), end).toMillis()) {
            wait(left);
        }
        List<Call> made = calls.subList(from, calls.size()).stream().filter(test).toList();
        if (!made.isEmpty()) {
            throw new AssertionError("unexpected chat calls " + made);
        }
    }

    Call awaitPost(String channelId, String containing) throws InterruptedException {
        return await(c -> c.kind().equals("post") && c.channelId().equals(channelId) && c.text().contains(containing), Duration.ofSeconds(10));
    }

    synchronized long count(Predicate<Call> test) {
        return calls.stream().filter(test).count();
    }

    /** Threads are created, but Discord's answer to the creation is held back until {@link #releaseThreads()}. */
    void holdThreads() {
        threadsHeld = new CompletableFuture<>();
    }

    void releaseThreads() {
        threadsHeld.complete(null);
    }

    /** As Discord does, a thread opened from a message has that message's id. */
    @Override
    public CompletionStage<String> openThread(String channelId, String messageId, String name) {
        record(new Call("thread", channelId, messageId, name + " -> " + messageId, List.of()));
        return threadsHeld.thenApply(ignored -> messageId);
    }

    @Override
    public CompletionStage<String> post(String channelId, String text, List<OutgoingFile> files) {
        record(new Call("post", channelId, "", text, files));
        String id = String.valueOf(ids.incrementAndGet());
        return held.test(text) ? released.thenApply(done -> id) : CompletableFuture.completedFuture(id);
    }

    @Override
    public CompletionStage<String> reply(String channelId, String messageId, String text) {
        record(new Call("reply", channelId, messageId, text, List.of()));
        return CompletableFuture.completedFuture(String.valueOf(ids.incrementAndGet()));
    }

    @Override
    public CompletionStage<Void> edit(String channelId, String messageId, String text) {
        record(new Call("edit", channelId, messageId, text, List.of()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> react(String channelId, String messageId, String emoji) {
        record(new Call("react", channelId, messageId, emoji, List.of()));
        return CompletableFuture.completedFuture(null);
    }

    /** Serves every attachment's URL as its bytes ({@code url} read as UTF-8 text), recording the call. */
    @Override
    public CompletionStage<java.io.InputStream> download(dev.agenttunnel.core.chat.ChatAttachment attachment) {
        record(new Call("download", "", "", attachment.fileName(), List.of()));
        return CompletableFuture.completedFuture(new java.io.ByteArrayInputStream(
                attachment.url().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public CompletionStage<Void> typing(String channelId) {
        record(new Call("typing", channelId, "", "", List.of()));
        return CompletableFuture.completedFuture(null);
    }
}
