package dev.agenttunnel.core.files;

import dev.agenttunnel.core.Environment;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs the way a shell would, on the PATH of a given environment (not necessarily this JVM's). */
public final class Executables {
    private Executables() {
    }

    /** A name with a slash is taken as a path; a bare name is looked up on {@code $PATH}. */
    public static Optional<Path> find(String name, Environment env) {
        if (name.contains("/")) {
            Path path = env.resolve(name);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : env.get("PATH").orElse("").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
