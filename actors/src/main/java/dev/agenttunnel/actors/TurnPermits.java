package dev.agenttunnel.actors;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The global cap on turns running at once ({@code [limits] max_concurrent}): a semaphore whose waiters are
 * served in arrival order. A holder that stops without releasing (it crashed) gives its permit back.
 */
public final class TurnPermits extends AbstractBehavior<TurnPermits.Command> {
    public sealed interface Command {
    }

    /** Asks for a permit; {@link Granted} comes when one is free. */
    public record Acquire(ActorRef<Granted> replyTo) implements Command {
    }

    /** Gives a permit back. */
    public record Release(ActorRef<Granted> holder) implements Command {
    }

    public record Granted() {
    }

    private record HolderStopped(ActorRef<Granted> holder) implements Command {
    }

    private final int limit;
    private final Set<ActorRef<Granted>> holders = new HashSet<>();
    private final Deque<ActorRef<Granted>> waiting = new ArrayDeque<>();

    private TurnPermits(ActorContext<Command> context, int limit) {
        super(context);
        this.limit = limit;
    }

    public static Behavior<Command> create(int limit) {
        return Behaviors.setup(context -> new TurnPermits(context, limit));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Acquire.class, this::onAcquire)
                .onMessage(Release.class, r -> release(r.holder()))
                .onMessage(HolderStopped.class, h -> release(h.holder()))
                .build();
    }

    private Behavior<Command> onAcquire(Acquire acquire) {
        if (holders.size() < limit) {
            grant(acquire.replyTo());
        } else {
            waiting.addLast(acquire.replyTo());
        }
        return this;
    }

    private Behavior<Command> release(ActorRef<Granted> holder) {
        waiting.remove(holder);
        if (holders.remove(holder)) {
            getContext().unwatch(holder);
            ActorRef<Granted> next = waiting.pollFirst();
            if (next != null) {
                grant(next);
            }
        }
        return this;
    }

    private void grant(ActorRef<Granted> holder) {
        holders.add(holder);
        getContext().watchWith(holder, new HolderStopped(holder));
        holder.tell(new Granted());
    }
}
