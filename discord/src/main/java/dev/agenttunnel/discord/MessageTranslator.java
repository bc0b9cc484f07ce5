package dev.agenttunnel.discord;

import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatEvent.ChannelKind;
import dev.agenttunnel.core.chat.ChatUser;
import java.util.List;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.unions.MessageChannelUnion;

/**
 * Turns a received JDA {@link Message} into a {@link ChatEvent} of plain values: ids as strings, the author's
 * display name (guild nickname, else global name, else username), the author's role ids in a guild (none in DMs),
 * the bot flag (also set for webhook messages), the kind of place and, for a thread, its parent channel's id and who
 * opened it.
 */
final class MessageTranslator {
    private MessageTranslator() {
    }

    static ChatEvent toChatEvent(Message message) {
        MessageChannelUnion channel = message.getChannel();
        ChannelKind kind = kind(message.getChannelType());
        String parentId = kind == ChannelKind.THREAD ? channel.asThreadChannel().getParentChannel().getId() : "";
        String ownerId = kind == ChannelKind.THREAD ? channel.asThreadChannel().getOwnerId() : "";
        return new ChatEvent(message.getId(), channel.getId(), kind, parentId, author(message),
                message.getContentRaw(), attachments(message), ownerId);
    }

    static ChannelKind kind(ChannelType type) {
        if (type.isThread()) {
            return ChannelKind.THREAD;
        }
        return switch (type) {
            case TEXT -> ChannelKind.TEXT_CHANNEL;
            case PRIVATE -> ChannelKind.DIRECT_MESSAGE;
            default -> ChannelKind.OTHER;
        };
    }

    private static ChatUser author(Message message) {
        User user = message.getAuthor();
        Member member = message.isFromGuild() ? message.getMember() : null;
        String displayName = member != null ? member.getEffectiveName() : user.getEffectiveName();
        List<String> roleIds = member != null ? member.getRoles().stream().map(r -> r.getId()).toList() : List.of();
        return new ChatUser(user.getId(), displayName, roleIds, user.isBot() || message.isWebhookMessage());
    }

    private static List<ChatAttachment> attachments(Message message) {
        return message.getAttachments().stream()
                .map(a -> new ChatAttachment(a.getFileName(), a.getSize(), a.getUrl()))
                .toList();
    }
}
