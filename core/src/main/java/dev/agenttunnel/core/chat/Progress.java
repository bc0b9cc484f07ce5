package dev.agenttunnel.core.chat;

import java.util.concurrent.CompletionStage;

/**
 * One message in a thread that shows what a running turn is doing, kept up to date no faster than the platform's
 * edit rate allows (see {@link ChatPort#progress}); called from one thread (the conversation's actor).
 */
public interface Progress {
    /** Shows {@code text}: now, or once the edit rate allows (the latest text wins; the same text twice is sent once). */
    void show(String text);

    /** The turn ended: a message that was shown becomes {@code summary}, so no stale "working…" stays behind. */
    CompletionStage<Void> finish(String summary);
}
