package dev.agenttunnel.app;

import dev.agenttunnel.core.chat.ChatEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Hands chat events to the gateway once it exists. The chat connection must be up before the actor tree
 * (which needs the bot's id), so events that arrive in between are held, in order, rather than lost.
 */
final class EventRelay implements Consumer<ChatEvent> {
    private final List<ChatEvent> early = new ArrayList<>();
    private Consumer<ChatEvent> target;

    @Override
    public void accept(ChatEvent event) {
        Consumer<ChatEvent> now;
        synchronized (this) {
            if (target == null) {
                early.add(event);
                return;
            }
            now = target;
        }
        now.accept(event);
    }

    synchronized void connect(Consumer<ChatEvent> gateway) {
        early.forEach(gateway);
        early.clear();
        target = gateway;
    }
}
