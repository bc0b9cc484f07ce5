package dev.agenttunnel.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the real {@code claude} executable for tests: {@code $CLAUDE_BIN}, else the repository's
 * {@code .cache/claude-code} install (found by walking up from the working directory), else {@code claude} on
 * {@code PATH}. Missing binary is a test failure, never a skip.
 */
public final class ClaudeBinary {

    /** The version the project pins and tests against. */
    public static final String PINNED_VERSION = "2.1.332";

    /** Where {@code ./run-tests} installs it, relative to the repository root; native binary first. */
    static final List<String> CACHE_CANDIDATES = List.of(
            ".cache/claude-code/node_modules/@anthropic-ai/claude-code-linux-x64/claude",
            ".cache/claude-code/node_modules/.bin/claude");

    private ClaudeBinary() {}

    /** The binary to run; throws {@link IllegalStateException} saying what was searched and how to install it. */
    public static Path find() {
        return find(System.getenv(), Path.of("").toAbsolutePath());
    }

    static Path find(Map<String, String> env, Path start) {
        List<String> searched = new ArrayList<>();
        String fromEnv = env.get("CLAUDE_BIN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv);
            if (isExecutable(path)) {
                return path.toAbsolutePath();
            }
            throw new IllegalStateException("CLAUDE_BIN is set to " + fromEnv
                    + " but that is not an executable file. " + howToInstall());
        }
        searched.add("$CLAUDE_BIN (not set)");
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (String candidate : CACHE_CANDIDATES) {
                Path path = dir.resolve(candidate);
                if (isExecutable(path)) {
                    return path;
                }
            }
        }
        searched.add(CACHE_CANDIDATES.stream().map(c -> "<dir>/" + c).toList()
                + " for every <dir> from " + start.toAbsolutePath() + " up to /");
        Optional<Path> onPath = onPath(env.getOrDefault("PATH", ""));
        if (onPath.isPresent()) {
            return onPath.get();
        }
        searched.add("claude on PATH=" + env.getOrDefault("PATH", ""));
        throw new IllegalStateException("The real claude binary (Claude Code " + PINNED_VERSION
                + ") was not found. Searched: " + String.join("; ", searched) + ". " + howToInstall());
    }

    private static String howToInstall() {
        return "Install it with ./run-tests (which installs it into .cache/claude-code at the repository root), "
                + "or run `npm install --prefix .cache/claude-code @anthropic-ai/claude-code@" + PINNED_VERSION
                + "` in the repository root, or set CLAUDE_BIN to the claude executable.";
    }

    private static Optional<Path> onPath(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, "claude");
                if (isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isExecutable(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
