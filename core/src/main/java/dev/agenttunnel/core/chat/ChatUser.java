package dev.agenttunnel.core.chat;

import java.util.List;

/** The author of a chat message: id, display name, role ids (empty in DMs), and whether it is a bot. */
public record ChatUser(String id, String displayName, List<String> roleIds, boolean bot) {
    public ChatUser {
        displayName = displayName == null ? "" : displayName;
        roleIds = List.copyOf(roleIds);
    }
}
