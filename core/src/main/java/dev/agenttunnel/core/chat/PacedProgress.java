package dev.agenttunnel.core.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link Progress} over any {@link ChatPort}: the first {@link #show} posts the message, later ones edit it, at most one
 * edit per {@code minGap}; a text held back by the pace goes out with the next call after the gap, or as the summary.
 */
public final class PacedProgress implements Progress {
    private final ChatPort chat;
    private final String channelId;
    private final Duration minGap;
    private final Clock clock;
    private CompletableFuture<String> message;
    private CompletableFuture<Void> lastChange = CompletableFuture.completedFuture(null);
    private long lastSentMillis;
    private String sent = "";
    private String pending;

    public PacedProgress(ChatPort chat, String channelId, Duration minGap, Clock clock) {
        this.chat = chat;
        this.channelId = channelId;
        this.minGap = minGap;
        this.clock = clock;
    }

    @Override
    public void show(String text) {
        if (text.equals(sent) && pending == null) {
            return;
        }
        long now = clock.millis();
        if (message == null) {
            message = chat.post(channelId, text, List.of()).toCompletableFuture();
            lastChange = message.thenApply(id -> null);
            sent = text;
            lastSentMillis = now;
            return;
        }
        if (now - lastSentMillis < minGap.toMillis()) {
            pending = text;
            return;
        }
        send(text, now);
    }

    @Override
    public CompletionStage<Void> finish(String summary) {
        if (message == null) {
            return CompletableFuture.completedFuture(null);
        }
        pending = null;
        send(summary, clock.millis());
        return lastChange;
    }

    private void send(String text, long now) {
        pending = null;
        sent = text;
        lastSentMillis = now;
        // Edits go out in order: each waits for the one before (and the first for the post that made the message).
        lastChange = lastChange.exceptionally(failure -> null)
                .thenCompose(ignored -> message)
                .thenCompose(id -> chat.edit(channelId, id, text))
                .toCompletableFuture();
    }
}
