package dev.agenttunnel.actors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Keeps the number of warm claudes ({@link WarmSession}) at {@code [limits] max_warm_forks}: when one more is warm,
 * the least recently used ones are told to cool down (a busy one does so after its turn). One per daemon.
 */
public final class WarmPool extends AbstractBehavior<WarmPool.Command> {
    public sealed interface Command {
    }

    /** {@code session} has a running claude now. */
    public record Warmed(String threadKey, ActorRef<WarmSession.Command> session) implements Command {
    }

    /** A turn starts on the thread's warm claude: it is the most recently used. */
    public record Used(String threadKey) implements Command {
    }

    /** The thread's claude is gone. */
    public record Cooled(String threadKey) implements Command {
    }

    /** Replies with the threads whose claude runs, least recently used first (for the owner's views and tests). */
    public record Snapshot(ActorRef<List<String>> replyTo) implements Command {
    }

    private final int max;
    /** In access order: the first is the least recently used. */
    private final Map<String, ActorRef<WarmSession.Command>> warm = new LinkedHashMap<>(16, 0.75f, true);

    private WarmPool(ActorContext<Command> context, int max) {
        super(context);
        this.max = max;
    }

    public static Behavior<Command> create(int maxWarm) {
        return Behaviors.setup(context -> new WarmPool(context, maxWarm));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Warmed.class, this::onWarmed)
                .onMessage(Used.class, this::onUsed)
                .onMessage(Cooled.class, this::onCooled)
                .onMessage(Snapshot.class, this::onList)
                .build();
    }

    private Behavior<Command> onWarmed(Warmed warmed) {
        warm.remove(warmed.threadKey());
        warm.put(warmed.threadKey(), warmed.session());
        List<String> over = new ArrayList<>(warm.keySet()).subList(0, Math.max(0, warm.size() - max));
        for (String key : List.copyOf(over)) {
            warm.remove(key).tell(WarmSession.Cool.INSTANCE);
        }
        return this;
    }

    private Behavior<Command> onUsed(Used used) {
        warm.get(used.threadKey()); // touching it moves it to the end: the most recently used
        return this;
    }

    private Behavior<Command> onCooled(Cooled cooled) {
        warm.remove(cooled.threadKey());
        return this;
    }

    private Behavior<Command> onList(Snapshot list) {
        list.replyTo().tell(List.copyOf(warm.keySet()));
        return this;
    }
}
