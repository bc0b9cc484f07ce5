package dev.agenttunnel.actors;

import dev.agenttunnel.core.chat.ChatUser;
import dev.agenttunnel.core.config.DiscordSettings;

/** Who may ask: everyone when both allowlists are empty, else listed users and holders of listed roles. */
final class Allowlist {
    private Allowlist() {
    }

    static boolean allows(DiscordSettings discord, ChatUser user) {
        if (discord.allowedUserIds().isEmpty() && discord.allowedRoleIds().isEmpty()) {
            return true;
        }
        if (discord.allowedUserIds().stream().anyMatch(id -> String.valueOf(id).equals(user.id()))) {
            return true;
        }
        return user.roleIds().stream().anyMatch(role -> discord.allowedRoleIds().stream().anyMatch(id -> String.valueOf(id).equals(role)));
    }
}
