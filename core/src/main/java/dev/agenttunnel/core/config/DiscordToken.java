package dev.agenttunnel.core.config;

import dev.agenttunnel.core.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The bot token: the configured environment variable wins, else the token file; stripped. */
public final class DiscordToken {
    private DiscordToken() {
    }

    public static Optional<String> resolve(DiscordSettings discord, Environment env) {
        Optional<String> fromEnv = env.get(discord.tokenEnv()).map(String::strip).filter(t -> !t.isEmpty());
        if (fromEnv.isPresent() || discord.tokenFile().isBlank()) {
            return fromEnv;
        }
        Path file = env.resolve(discord.tokenFile());
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()).filter(t -> !t.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
