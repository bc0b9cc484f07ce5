package dev.agenttunnel.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The process environment and working directory that paths are resolved against.
 *
 * <p>{@code ~} means {@code $HOME}, as for {@code claude} and the Python tool: Java's {@code user.home} comes
 * from the password database and ignores {@code HOME}, which would break sandboxed tests and users who set it.
 * Passing this value around (instead of reading {@link System#getenv()} deep down) lets tests give every
 * command its own HOME.
 */
public record Environment(Map<String, String> variables, Path workingDir) {
    public Environment {
        variables = Map.copyOf(variables);
        workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** The environment this JVM was started with. */
    public static Environment current() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath());
    }

    public Optional<String> get(String name) {
        String value = variables.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** {@code $HOME}; falls back to {@code user.home} only when HOME is unset. */
    public Path home() {
        return Path.of(get("HOME").orElseGet(() -> System.getProperty("user.home")));
    }

    /** Expands a leading {@code ~} or {@code ~/} to {@link #home()}; other strings are returned as paths. */
    public Path expandUser(String path) {
        if (path.equals("~")) {
            return home();
        }
        if (path.startsWith("~/")) {
            return home().resolve(path.substring(2));
        }
        return Path.of(path);
    }

    /** Expands {@code ~} and makes the result absolute against {@code base}. */
    public Path resolve(String path, Path base) {
        Path expanded = expandUser(path);
        return expanded.isAbsolute() ? expanded.normalize() : base.resolve(expanded).toAbsolutePath().normalize();
    }

    /** Expands {@code ~} and makes the result absolute against the working directory. */
    public Path resolve(String path) {
        return resolve(path, workingDir);
    }

    /** Claude's default config dir, {@code $HOME/.claude}. */
    public Path defaultClaudeConfigDir() {
        return home().resolve(".claude");
    }

    public Environment withVariable(String name, String value) {
        var copy = new java.util.HashMap<>(variables);
        copy.put(name, value);
        return new Environment(copy, workingDir);
    }

    public Environment withWorkingDir(Path dir) {
        return new Environment(variables, dir);
    }
}
