package dev.agenttunnel.core.chat;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the bridge does in a chat: the only way the actor tree talks to Discord (or any other front-end).
 * Every call returns at once; the stage completes when the platform has accepted the change, or exceptionally
 * with the platform's error. Posts never ping anyone: mentions in relayed text are not parsed.
 */
public interface ChatPort {
    /** Opens a public thread from {@code messageId} in {@code channelId}; completes with the thread's id. */
    CompletionStage<String> openThread(String channelId, String messageId, String name);

    /** Posts {@code text} (at most the platform's limit; callers chunk) with optional files; completes with the message id. */
    CompletionStage<String> post(String channelId, String text, List<OutgoingFile> files);

    /** Posts {@code text} as a reply to {@code messageId}; completes with the new message's id. */
    CompletionStage<String> reply(String channelId, String messageId, String text);

    /** Replaces the text of a message the bridge posted (e.g. a progress line while a turn runs). */
    CompletionStage<Void> edit(String channelId, String messageId, String text);

    /** Adds a reaction (a unicode emoji) to a message. */
    CompletionStage<Void> react(String channelId, String messageId, String emoji);

    /**
     * Opens the bytes of a file a colleague attached, streamed: the stage completes once the platform answers, with
     * the body to read (the caller closes it), or exceptionally when the file cannot be had.
     */
    CompletionStage<InputStream> download(ChatAttachment attachment);

    /**
     * What was said in {@code channelId} after {@code afterMessageId} (at most {@code limit} messages, oldest first,
     * system messages left out): how the bridge catches up with what was posted while it was down. A front-end
     * without history answers none.
     */
    default CompletionStage<List<ChatEvent>> history(String channelId, String afterMessageId, int limit) {
        return java.util.concurrent.CompletableFuture.completedFuture(List.of());
    }

    /** Shows the typing indicator in a channel for a few seconds. */
    CompletionStage<Void> typing(String channelId);

    /**
     * A progress message for a turn running in {@code channelId}: posted on first use, then edited no more than once
     * per 1.5 s (Discord allows about five edits per five seconds in a channel). A front-end may render it otherwise.
     */
    default Progress progress(String channelId) {
        return new PacedProgress(this, channelId, java.time.Duration.ofMillis(1500), java.time.Clock.systemUTC());
    }
}
