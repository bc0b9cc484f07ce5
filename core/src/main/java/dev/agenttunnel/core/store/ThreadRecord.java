package dev.agenttunnel.core.store;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import java.util.Optional;

/**
 * One conversation in {@code state.json}: a chat thread bound to a published session and, after its first
 * answer, to its fork. {@code createdAt} is part of the binding's identity and round-trips as a double.
 */
public record ThreadRecord(
        String threadKey,
        String handle,
        String expertSessionId,
        String projectDir,
        String configDir,
        AccessLevel access,
        String forkSessionId,
        Optional<Backend> backend,
        String asker,
        String tmuxWindow,
        double createdAt,
        double lastUsed) {

    public ThreadRecord {
        handle = orEmpty(handle);
        expertSessionId = orEmpty(expertSessionId);
        projectDir = orEmpty(projectDir);
        configDir = orEmpty(configDir);
        access = access == null ? AccessLevel.READ : access;
        forkSessionId = orEmpty(forkSessionId);
        backend = backend == null ? Optional.empty() : backend;
        asker = orEmpty(asker);
        tmuxWindow = orEmpty(tmuxWindow);
        if (backend.isEmpty() && !tmuxWindow.isEmpty()) {
            backend = Optional.of(Backend.TMUX);
        }
    }

    public boolean hasFork() {
        return !forkSessionId.isEmpty();
    }

    /** The backend this thread runs on: its own, else the configured default for new threads. */
    public Backend effectiveBackend(Backend configured) {
        return backend.orElse(configured);
    }

    /** True when both describe the same binding (same expert, same bind time). */
    public boolean sameBinding(ThreadRecord other) {
        return other != null && expertSessionId.equals(other.expertSessionId) && createdAt == other.createdAt;
    }

    public ThreadRecord withAccess(AccessLevel level) {
        return new ThreadRecord(threadKey, handle, expertSessionId, projectDir, configDir, level, forkSessionId, backend,
                asker, tmuxWindow, createdAt, lastUsed);
    }

    public ThreadRecord withHandle(String newHandle) {
        return new ThreadRecord(threadKey, newHandle, expertSessionId, projectDir, configDir, access, forkSessionId, backend,
                asker, tmuxWindow, createdAt, lastUsed);
    }

    public ThreadRecord withFork(String forkId, String window) {
        return new ThreadRecord(threadKey, handle, expertSessionId, projectDir, configDir, access, forkId, backend,
                asker, window, createdAt, lastUsed);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
