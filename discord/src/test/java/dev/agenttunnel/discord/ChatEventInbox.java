package dev.agenttunnel.discord;

import dev.agenttunnel.core.chat.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Collects the ChatEvents a connection delivers; tests wait for one by predicate with a deadline. */
final class ChatEventInbox implements Consumer<ChatEvent> {
    private final LinkedBlockingQueue<ChatEvent> arrived = new LinkedBlockingQueue<>();
    private final List<ChatEvent> seen = new ArrayList<>();

    @Override
    public void accept(ChatEvent event) {
        arrived.add(event);
    }

    /** The first event (seen before or arriving before the deadline) matching {@code condition}. */
    synchronized ChatEvent await(Predicate<ChatEvent> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ChatEvent event : seen) {
                if (condition.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            ChatEvent next = left > 0 ? arrived.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no matching ChatEvent within " + timeout + "; got " + seen);
            }
            seen.add(next);
        }
    }

    /** The event for message {@code messageId}. */
    ChatEvent awaitMessage(String messageId, Duration timeout) throws InterruptedException {
        return await(e -> e.messageId().equals(messageId), timeout);
    }
}
