package dev.agenttunnel.core;

import java.util.Locale;
import java.util.Optional;

/** What a handle's forks may do, each level including the ones before it: read ⊂ write ⊂ bash ⊂ all. */
public enum AccessLevel {
    READ("read"),
    WRITE("write"),
    BASH("bash"),
    ALL("all");

    private final String wire;

    AccessLevel(String wire) {
        this.wire = wire;
    }

    /** The name used in registry.json, state.json and the CLI. */
    public String wire() {
        return wire;
    }

    public boolean includes(AccessLevel other) {
        return compareTo(other) >= 0;
    }

    /** Parses a stored level; {@code null} or blank is {@link #READ}, as the registry's reader rules say. */
    public static Optional<AccessLevel> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(READ);
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (AccessLevel level : values()) {
            if (level.wire.equals(wanted)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** Parses a stored level, treating anything unknown as {@link #READ} (the least a fork may do). */
    public static AccessLevel parseOrRead(String value) {
        return parse(value).orElse(READ);
    }

    @Override
    public String toString() {
        return wire;
    }
}
