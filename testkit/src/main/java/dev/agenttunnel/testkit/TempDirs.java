package dev.agenttunnel.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Temporary directories for tests: creation and best-effort recursive deletion (links are not followed). */
public final class TempDirs {

    private TempDirs() {}

    /** A new directory under the JVM's temp dir, resolved to its real path (no symlinks in it). */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir", e);
        }
    }

    /** A new directory under {@code parent}, resolved to its real path. */
    public static Path create(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir under " + parent, e);
        }
    }

    /** Deletes {@code root} and everything below it; ignores what cannot be deleted. Returns whether it is gone. */
    public static boolean deleteQuietly(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deleteOne(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    deleteOne(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    deleteOne(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
        return !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }

    private static void deleteOne(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort
        }
    }
}
