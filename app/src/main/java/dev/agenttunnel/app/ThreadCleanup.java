package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.agenttunnel.core.fork.ForkProcesses;

/**
 * Releases what a forgotten thread held besides its binding: whatever its own backend keeps alive for it, its
 * uploads folder and its outbox (the outbox root and its {@code .gitignore} stay). Each thread goes through the
 * backend it was bound under, so flipping the default backend never strands a window.
 */
final class ThreadCleanup {

    /** What a backend keeps alive for a thread between turns; headless keeps nothing. */
    @FunctionalInterface
    interface BackendRelease {
        void release(ThreadRecord thread) throws IOException;

        BackendRelease NOTHING = thread -> { };
    }

    private final Path stateDir;
    private final Backend configured;
    private final Map<Backend, BackendRelease> releases;

    ThreadCleanup(Path stateDir, Backend configured, Map<Backend, BackendRelease> releases) {
        this.stateDir = stateDir;
        this.configured = configured;
        this.releases = Map.copyOf(releases);
    }

    /**
     * Today's backends: a tmux thread's window is closed on the private server; a headless thread's warm claude (kept by
     * a running daemon) is stopped with its process tree.
     */
    static ThreadCleanup standard(Path stateDir, Backend configured, ForkWindows windows) {
        return new ThreadCleanup(stateDir, configured,
                Map.of(Backend.HEADLESS, thread -> ForkProcesses.stop(thread.threadKey()), Backend.TMUX, windows::close));
    }

    /** Releases everything; returns what could not be deleted, one line each (the rest is still done). */
    List<String> release(ThreadRecord thread) {
        List<String> problems = new ArrayList<>();
        try {
            releases.getOrDefault(thread.effectiveBackend(configured), BackendRelease.NOTHING).release(thread);
        } catch (IOException e) {
            problems.add("could not stop its " + thread.effectiveBackend(configured) + " fork: " + e.getMessage());
        }
        deleteTree(TurnFolders.uploadsDir(stateDir, thread.threadKey()), problems);
        if (!thread.projectDir().isEmpty()) {
            deleteTree(TurnFolders.outboxDir(Path.of(thread.projectDir()), thread.threadKey()), problems);
        }
        return problems;
    }

    private static void deleteTree(Path root, List<String> problems) {
        try {
            TurnFolders.deleteTree(root);
        } catch (IOException e) {
            problems.add("could not delete " + root + ": " + e);
        }
    }
}
