package dev.agenttunnel.core.config;

import java.util.List;

/** {@code [discord]}: the bot token's source, watched channels, allowlists, and the endpoints to reach. */
public record DiscordSettings(
        String tokenEnv,
        String tokenFile,
        List<Long> channelIds,
        List<Long> allowedUserIds,
        List<Long> allowedRoleIds,
        boolean respondToDms,
        String restUrl,
        String gatewayUrl,
        boolean progress) {
    public DiscordSettings {
        channelIds = List.copyOf(channelIds);
        allowedUserIds = List.copyOf(allowedUserIds);
        allowedRoleIds = List.copyOf(allowedRoleIds);
        if (restUrl.isBlank() || gatewayUrl.isBlank()) {
            throw new IllegalArgumentException("discord.rest_url and discord.gateway_url must not be empty");
        }
    }
}
