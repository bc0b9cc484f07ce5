package dev.agenttunnel.actors;

import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Closes fork windows that sat idle longer than {@code [limits] pane_idle_ttl_min}: one timer per thread, armed
 * when a turn ends and disarmed when the next one starts, so a window goes within moments of its TTL rather than at
 * the next sweep. It does not close anything itself: it tells the thread's {@link Conversation} to
 * {@link Conversation.Reap reap}, which does so only while no turn runs — a question that arrives at the same
 * moment is never cut off. With reaping off (TTL ≤ 0) it ignores everything.
 */
public final class Reaper extends AbstractBehavior<Reaper.Command> {
    public sealed interface Command {
    }

    /** A turn of {@code threadKey} ended and its window stays open: reap it after the TTL unless disarmed first. */
    public record Arm(String threadKey, ActorRef<Conversation.Command> replyTo) implements Command {
    }

    /** A turn of {@code threadKey} starts, or the thread is gone: its window is not idle. */
    public record Disarm(String threadKey) implements Command {
    }

    private record Expired(String threadKey, ActorRef<Conversation.Command> replyTo) implements Command {
    }

    private final TimerScheduler<Command> timers;
    private final Optional<Duration> ttl;

    private Reaper(ActorContext<Command> context, TimerScheduler<Command> timers, Optional<Duration> ttl) {
        super(context);
        this.timers = timers;
        this.ttl = ttl;
    }

    /** @param ttl how long a window may stay idle; empty disables reaping */
    public static Behavior<Command> create(Optional<Duration> ttl) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Reaper(context, timers, ttl)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Arm.class, this::onArm)
                .onMessage(Disarm.class, this::onDisarm)
                .onMessage(Expired.class, this::onExpired)
                .build();
    }

    private Behavior<Command> onArm(Arm arm) {
        ttl.ifPresent(after -> timers.startSingleTimer(arm.threadKey(), new Expired(arm.threadKey(), arm.replyTo()), after));
        return this;
    }

    private Behavior<Command> onDisarm(Disarm disarm) {
        timers.cancel(disarm.threadKey());
        return this;
    }

    private Behavior<Command> onExpired(Expired expired) {
        expired.replyTo().tell(Conversation.Reap.INSTANCE);
        return this;
    }
}
