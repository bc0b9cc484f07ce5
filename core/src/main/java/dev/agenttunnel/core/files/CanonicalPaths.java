package dev.agenttunnel.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Path helpers that the JDK lacks. */
public final class CanonicalPaths {
    private CanonicalPaths() {
    }

    /**
     * The absolute path with symlinks resolved as far as it exists (like Python's non-strict
     * {@code Path.resolve()}), so the same folder always has one spelling.
     */
    public static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }
}
