package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
     * Today's backends. The tmux backend will release the thread's window here ({@code rec.tmuxWindow}); until it
     * exists, a tmux thread's window (if any) is left to the tmux server.
     */
    static ThreadCleanup standard(Path stateDir, Backend configured) {
        return new ThreadCleanup(stateDir, configured,
                Map.of(Backend.HEADLESS, BackendRelease.NOTHING, Backend.TMUX, BackendRelease.NOTHING));
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

    /** Deletes a folder and everything in it; symbolic links are removed, never followed. */
    private static void deleteTree(Path root, List<String> problems) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add("could not delete " + root + ": " + e);
        }
    }
}
