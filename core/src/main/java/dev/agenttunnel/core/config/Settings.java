package dev.agenttunnel.core.config;

import java.nio.file.Path;

/** Everything agent-tunnel reads from its configuration, validated. {@code configFile} may not exist. */
public record Settings(
        Path configFile,
        TunnelSettings tunnel,
        DiscordSettings discord,
        ClaudeSettings claude,
        LimitsSettings limits,
        AttachmentSettings attachments) {
}
