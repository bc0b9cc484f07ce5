package dev.agenttunnel.core.config;

import java.util.Locale;
import java.util.Optional;

/** How forks run: {@code claude -p} per turn, or an interactive claude in the private tmux server. */
public enum Backend {
    HEADLESS("headless"),
    TMUX("tmux");

    private final String wire;

    Backend(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Backend> parse(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (Backend b : values()) {
            if (b.wire.equals(wanted)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wire;
    }
}
