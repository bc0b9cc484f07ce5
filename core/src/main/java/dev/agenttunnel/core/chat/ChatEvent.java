package dev.agenttunnel.core.chat;

import java.util.List;

/**
 * One message seen by a chat front-end (Discord first), translated into plain values at the adapter: ids and
 * strings, never library entities.
 *
 * @param messageId   the message's id
 * @param channelId   where it was posted (for a thread: the thread's id; for a DM: the DM channel's id)
 * @param kind        what kind of place that is
 * @param parentId    for a thread, the channel it hangs off; empty otherwise
 * @param author      who wrote it
 * @param content     the text as typed (mentions in the platform's raw form, e.g. {@code <@123>})
 * @param attachments files attached to it
 * @param threadOwnerId for a thread, who opened it (the bot's own user id for the threads the bridge opens); empty
 *                      otherwise, or when the front-end cannot tell
 */
public record ChatEvent(
        String messageId,
        String channelId,
        ChannelKind kind,
        String parentId,
        ChatUser author,
        String content,
        List<ChatAttachment> attachments,
        String threadOwnerId) {

    public ChatEvent {
        parentId = parentId == null ? "" : parentId;
        content = content == null ? "" : content;
        attachments = List.copyOf(attachments);
        threadOwnerId = threadOwnerId == null ? "" : threadOwnerId;
    }

    /** A message whose thread's opener is not known (or that is not in a thread). */
    public ChatEvent(String messageId, String channelId, ChannelKind kind, String parentId, ChatUser author, String content,
            List<ChatAttachment> attachments) {
        this(messageId, channelId, kind, parentId, author, content, attachments, "");
    }

    /** The kinds of place a message can be posted in. */
    public enum ChannelKind { TEXT_CHANNEL, THREAD, DIRECT_MESSAGE, OTHER }
}
