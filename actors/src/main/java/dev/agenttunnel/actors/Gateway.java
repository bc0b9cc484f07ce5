package dev.agenttunnel.actors;

import dev.agenttunnel.core.chat.BridgeTexts;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatPort;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Where chat messages enter the actor tree: a bounded Pekko Streams queue in front of {@link Conversations}.
 * The chat adapter's thread offers each message and returns at once. When the queue is full the message is not
 * silently dropped: its author is asked to send it again. After {@link #stop()} nothing more is taken.
 */
public final class Gateway implements Consumer<ChatEvent> {
    private final BoundedSourceQueue<ChatEvent> queue;
    private final ChatPort chat;
    private volatile boolean open = true;

    private Gateway(BoundedSourceQueue<ChatEvent> queue, ChatPort chat) {
        this.queue = queue;
        this.chat = chat;
    }

    /** Materialises the stream: events flow, in order, to {@code conversations}. */
    public static Gateway start(ActorSystem<?> system, ActorRef<Conversations.Command> conversations, ChatPort chat, int bufferSize) {
        BoundedSourceQueue<ChatEvent> queue = Source.<ChatEvent>queue(bufferSize)
                .map(Conversations.Inbound::new)
                .to(Sink.foreach(conversations::tell))
                .run(system);
        return new Gateway(queue, chat);
    }

    @Override
    public void accept(ChatEvent event) {
        if (!open) {
            return;
        }
        QueueOfferResult result = queue.offer(event);
        if (!(result instanceof QueueOfferResult.Enqueued$)) {
            chat.reply(event.channelId(), event.messageId(), BridgeTexts.busy());
        }
    }

    /** Stops taking messages (shutdown); those already queued are still delivered. */
    public void stop() {
        open = false;
        queue.complete();
    }
}
