package dev.agenttunnel.core.turn;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.text.SafeKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The folders a thread's turns use: its uploads under the state folder (one subfolder per turn that brought files;
 * the thread's whole folder is readable by its fork through {@code permissions.additionalDirectories}, every other
 * thread's is not) and, from write access up, its outbox inside the project, whose root holds a {@code .gitignore} of
 * {@code *}.
 */
public final class TurnFolders {
    public static final String OUTBOX_ROOT = ".agent-tunnel-out";

    private TurnFolders() {
    }

    public static Path uploadsDir(Path stateDir, String threadKey) {
        return stateDir.resolve("uploads").resolve(SafeKeys.of(threadKey));
    }

    public static Path outboxDir(Path projectDir, String threadKey) {
        return projectDir.resolve(OUTBOX_ROOT).resolve(SafeKeys.of(threadKey));
    }

    /** Creates the uploads folder. */
    public static Path prepareUploads(Path stateDir, String threadKey) throws IOException {
        return Files.createDirectories(uploadsDir(stateDir, threadKey));
    }

    /** Creates the outbox for write levels and up; read-only threads get none. */
    public static Optional<Path> prepareOutbox(Path projectDir, String threadKey, AccessLevel access) throws IOException {
        if (!access.includes(AccessLevel.WRITE)) {
            return Optional.empty();
        }
        Path outbox = Files.createDirectories(outboxDir(projectDir, threadKey));
        Path ignore = projectDir.resolve(OUTBOX_ROOT).resolve(".gitignore");
        try {
            Files.writeString(ignore, "*\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            // Already there: the owner may have edited it; leave it alone.
        }
        return Optional.of(outbox);
    }

    /** Deletes a thread's uploads and outbox (the outbox root and its .gitignore stay). Missing folders are fine. */
    public static void delete(Path stateDir, Path projectDir, String threadKey) throws IOException {
        deleteTree(uploadsDir(stateDir, threadKey));
        deleteTree(outboxDir(projectDir, threadKey));
    }

    /** Deletes a folder and everything in it; symbolic links are removed, never followed. A missing folder is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
