package dev.agenttunnel.actors;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.fork.ForkBackend;

/**
 * Where a thread's turns run: the backend the thread was bound under, for that thread (the headless backend
 * is shared; the tmux backend has one window per thread).
 */
public interface ForkBackends {
    /**
     * Where headless threads get warm forks (one long-lived claude each), when this daemon keeps them; empty: every
     * headless turn starts its own claude.
     */
    default java.util.Optional<dev.agenttunnel.core.fork.SessionLauncher> warmSessions() {
        return java.util.Optional.empty();
    }

    /** The fork backend of one thread; throws {@link IllegalStateException} when this daemon lacks {@code backend}. */
    ForkBackend forThread(Backend backend, String handle, String threadKey);

    /** The thread was closed or forgotten: release what its fork holds (e.g. its tmux window). */
    default void forget(Backend backend, String threadKey) {
    }

    /**
     * The thread's fork has been idle past its TTL: close what it keeps alive between turns (its tmux window) and
     * keep the fork itself, so the next turn resumes it cold. Returns whether anything was closed. Called only while
     * no turn of the thread runs.
     */
    default boolean reap(Backend backend, String threadKey) {
        return false;
    }
}
