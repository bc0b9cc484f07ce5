package dev.agenttunnel.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** {@code [tunnel]}: where state lives and which backend new threads use. Paths are absolute. */
public record TunnelSettings(
        Backend backend,
        String tmuxSession,
        String platform,
        Path statePath,
        Path registryPath,
        Optional<Path> claudeHome,
        Optional<Path> projectDir) {
    public TunnelSettings {
        Objects.requireNonNull(backend);
        if (tmuxSession.isBlank()) {
            throw new IllegalArgumentException("tunnel.tmux_session must not be empty");
        }
        if (!statePath.isAbsolute() || !registryPath.isAbsolute()) {
            throw new IllegalArgumentException("state and registry paths must be absolute");
        }
    }

    /** Folder of state.json; it also holds {@code uploads/}. */
    public Path stateDir() {
        return statePath.getParent();
    }
}
