package dev.agenttunnel.app;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config PATH}, accepted by every command. */
public final class ConfigOption {
    @Option(names = "--config", paramLabel = "PATH",
            description = "Config file (default: ~/.config/agent-tunnel/config.toml).")
    private String path;

    public Optional<String> path() {
        return Optional.ofNullable(path).filter(p -> !p.isBlank());
    }
}
