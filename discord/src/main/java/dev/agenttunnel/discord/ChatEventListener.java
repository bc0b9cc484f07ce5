package dev.agenttunnel.discord;

import dev.agenttunnel.core.chat.ChatEvent;
import java.util.Objects;
import java.util.function.Consumer;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;

/**
 * Hands every ordinary message JDA receives (guild channels, threads, DMs; the bot's own included) to the consumer
 * as a {@link ChatEvent}, noting whose each DM channel is. System messages (joins, pins, thread-created notices)
 * are skipped: nobody typed them.
 * Runs on JDA's event thread, so the consumer must not block.
 */
final class ChatEventListener extends ListenerAdapter {
    private final Consumer<ChatEvent> onMessage;
    private final DirectChannels directChannels;

    ChatEventListener(Consumer<ChatEvent> onMessage, DirectChannels directChannels) {
        this.onMessage = Objects.requireNonNull(onMessage, "onMessage");
        this.directChannels = Objects.requireNonNull(directChannels, "directChannels");
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        if (event.getMessage().getType().isSystem()) {
            return;
        }
        ChatEvent message = MessageTranslator.toChatEvent(event.getMessage());
        if (message.kind() == ChatEvent.ChannelKind.DIRECT_MESSAGE && !message.author().bot()) {
            directChannels.remember(message.channelId(), message.author().id());
        }
        onMessage.accept(message);
    }
}
