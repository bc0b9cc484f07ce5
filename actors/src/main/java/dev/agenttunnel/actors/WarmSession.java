package dev.agenttunnel.actors;

import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.fork.LiveSession;
import dev.agenttunnel.core.fork.SessionEvents;
import dev.agenttunnel.core.fork.SessionLauncher;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A headless thread's warm fork, child of its {@link Conversation}: one long-lived claude that answers question after
 * question without claude's start-up. The first turn forks the expert; later (re)starts resume the fork. It is closed
 * when idle past its TTL, when the {@link WarmPool} needs room (least recently used first), and with its thread; it is
 * restarted, same fork, when the turn needs other flags (the level changed); a claude that dies mid-turn is started
 * again and asked once more before the turn fails. Its process tree never outlives it.
 *
 * <p>Phases: {@link #cold} (no process) → {@link #launching} → {@link #answering} → {@link #warm} (idle, process kept) →
 * answering again, or cold when closed.
 */
public final class WarmSession {
    public sealed interface Command {
    }

    /** Answer {@code request}; the outcome goes to {@code replyTo}, what the fork does meanwhile to the request's activity. */
    public record Ask(TurnRequest request, ActorRef<TurnOutcome> replyTo) implements Command {
    }

    /** Stop the running turn (its claude is killed); it ends as a failure saying {@code why}. */
    public record Cancel(String why) implements Command {
    }

    /** From the pool: close the process once no turn runs. */
    public enum Cool implements Command { INSTANCE }

    private record Launched(long generation, LiveSession session, Throwable failure) implements Command {
    }

    private record Answered(long generation, TurnOutcome outcome) implements Command {
    }

    private record Active(long generation, String what) implements Command {
    }

    private record Ended(long generation, String why) implements Command {
    }

    private record TurnTimedOut(long turn) implements Command {
    }

    private enum IdleTimedOut implements Command { INSTANCE }

    /** What makes two turns able to share a process: everything but which session to resume. */
    private record Shape(Object access, Object project, String configDir, List<?> readable, Object outbox) {
        static Shape of(ForkTurn t) {
            return new Shape(t.access(), t.projectDir(), t.configDir(), t.readableDirs(), t.outbox());
        }
    }

    /** The turn being answered: the request, who waits, and whether claude was already started again for it. */
    private record Turn(long id, Ask ask, boolean retried) {
        Turn again() {
            return new Turn(id, ask, true);
        }
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final SessionLauncher launcher;
    private final ActorRef<WarmPool.Command> pool;
    private final String threadKey;
    private final Duration idleTtl;
    private final Executor blockingIo;
    private long generation;
    private long turns;
    private LiveSession session;
    private ForkTurn launchedAs;
    /** The fork the running process holds once it answered; what a compatible next turn resumes. */
    private String forkId;
    private boolean coolWhenDone;

    private WarmSession(ActorContext<Command> context, TimerScheduler<Command> timers, SessionLauncher launcher,
            ActorRef<WarmPool.Command> pool, String threadKey, Duration idleTtl, Executor blockingIo) {
        this.context = context;
        this.timers = timers;
        this.launcher = launcher;
        this.pool = pool;
        this.threadKey = threadKey;
        this.idleTtl = idleTtl;
        this.blockingIo = blockingIo;
    }

    public static Behavior<Command> create(SessionLauncher launcher, ActorRef<WarmPool.Command> pool, String threadKey,
            Duration idleTtl, Executor blockingIo) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new WarmSession(context, timers, launcher, pool, threadKey, idleTtl, blockingIo).cold()));
    }

    private Behavior<Command> cold() {
        return Behaviors.receive(Command.class)
                .onMessage(Ask.class, ask -> launch(begin(ask), ask.request().turn()))
                .onMessage(Cancel.class, c -> Behaviors.same())
                .onMessage(Cool.class, c -> Behaviors.same())
                .onMessage(IdleTimedOut.class, t -> Behaviors.same())
                .onMessage(Launched.class, this::stopStale)
                .onMessage(Answered.class, a -> Behaviors.same())
                .onMessage(Active.class, a -> Behaviors.same())
                .onMessage(Ended.class, e -> Behaviors.same())
                .onMessage(TurnTimedOut.class, t -> Behaviors.same())
                .onSignal(PostStop.class, s -> close())
                .onSignal(PreRestart.class, s -> close())
                .build();
    }

    private Behavior<Command> launching(Turn turn) {
        return Behaviors.receive(Command.class)
                .onMessage(Launched.class, launched -> onLaunched(turn, launched))
                .onMessage(Ask.class, this::refuseWhileBusy)
                .onMessage(Cancel.class, c -> fail(turn, c.why()))
                .onMessage(Cool.class, c -> coolLater())
                .onMessage(TurnTimedOut.class, t -> t.turn() == turn.id() ? fail(turn, timedOut(turn)) : Behaviors.same())
                .onMessage(Answered.class, a -> Behaviors.same())
                .onMessage(Active.class, a -> Behaviors.same())
                .onMessage(Ended.class, e -> Behaviors.same())
                .onMessage(IdleTimedOut.class, t -> Behaviors.same())
                .onSignal(PostStop.class, s -> close())
                .onSignal(PreRestart.class, s -> close())
                .build();
    }

    private Behavior<Command> answering(Turn turn) {
        return Behaviors.receive(Command.class)
                .onMessage(Answered.class, a -> a.generation() == generation ? onAnswered(turn, a.outcome()) : Behaviors.same())
                .onMessage(Active.class, a -> onActive(turn, a))
                .onMessage(Ended.class, e -> e.generation() == generation ? onEndedMidTurn(turn, e.why()) : Behaviors.same())
                .onMessage(TurnTimedOut.class, t -> t.turn() == turn.id() ? fail(turn, timedOut(turn)) : Behaviors.same())
                .onMessage(Cancel.class, c -> fail(turn, c.why()))
                .onMessage(Ask.class, this::refuseWhileBusy)
                .onMessage(Cool.class, c -> coolLater())
                .onMessage(Launched.class, this::stopStale)
                .onMessage(IdleTimedOut.class, t -> Behaviors.same())
                .onSignal(PostStop.class, s -> close())
                .onSignal(PreRestart.class, s -> close())
                .build();
    }

    private Behavior<Command> warm() {
        timers.startSingleTimer(IdleTimedOut.INSTANCE, IdleTimedOut.INSTANCE, idleTtl);
        return Behaviors.receive(Command.class)
                .onMessage(Ask.class, this::onAskWhileWarm)
                .onMessage(IdleTimedOut.class, t -> cool("idle"))
                .onMessage(Cool.class, c -> cool("the least recently used of too many warm forks"))
                .onMessage(Ended.class, e -> e.generation() == generation ? onEndedWhileWarm(e.why()) : Behaviors.same())
                .onMessage(Cancel.class, c -> Behaviors.same())
                .onMessage(Answered.class, a -> Behaviors.same())
                .onMessage(Active.class, a -> Behaviors.same())
                .onMessage(Launched.class, this::stopStale)
                .onMessage(TurnTimedOut.class, t -> Behaviors.same())
                .onSignal(PostStop.class, s -> close())
                .onSignal(PreRestart.class, s -> close())
                .build();
    }

    // ----- turns -----

    private Behavior<Command> onAskWhileWarm(Ask ask) {
        timers.cancel(IdleTimedOut.INSTANCE);
        ForkTurn next = ask.request().turn();
        Turn turn = begin(ask);
        if (!next.forkSession() && next.resumeId().equals(forkId) && Shape.of(next).equals(Shape.of(launchedAs))) {
            return send(turn);
        }
        context.getLog().debug("[{}] warm claude {} restarts: the turn needs other flags or another session", threadKey, session.pid());
        stopSession();
        return launch(turn, next);
    }

    /** A new turn, with its deadline: a restart of claude for it (crash, other flags) does not extend it. */
    private Turn begin(Ask ask) {
        Turn turn = new Turn(++turns, ask, false);
        timers.startSingleTimer(TurnTimedOut.class, new TurnTimedOut(turn.id()), ask.request().timeout());
        return turn;
    }

    private Behavior<Command> launch(Turn turn, ForkTurn as) {
        long launch = ++generation;
        ActorRef<Command> self = context.getSelf();
        SessionEvents events = new SessionEvents() {
            @Override
            public void answered(TurnOutcome outcome) {
                self.tell(new Answered(launch, outcome));
            }

            @Override
            public void activity(String what) {
                self.tell(new Active(launch, what));
            }

            @Override
            public void ended(String why) {
                self.tell(new Ended(launch, why));
            }
        };
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
            try {
                return launcher.launch(threadKey, as, events);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, blockingIo), (started, failure) -> new Launched(launch, started, failure));
        launchedAs = as;
        forkId = as.forkSession() ? null : as.resumeId();
        return launching(turn);
    }

    private Behavior<Command> onLaunched(Turn turn, Launched launched) {
        if (launched.generation() != generation) {
            return stopStale(launched);
        }
        if (launched.failure() != null) {
            Throwable cause = launched.failure() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : launched.failure();
            return reply(turn, new TurnOutcome.Failed(cause.getMessage() == null ? cause.toString() : cause.getMessage(),
                    Optional.ofNullable(forkId), Duration.ZERO), false);
        }
        session = launched.session();
        pool.tell(new WarmPool.Warmed(threadKey, context.getSelf()));
        return send(turn);
    }

    private Behavior<Command> send(Turn turn) {
        pool.tell(new WarmPool.Used(threadKey));
        try {
            session.send(turn.ask().request().question());
        } catch (java.io.IOException e) {
            return onEndedMidTurn(turn, "could not send the question: " + e.getMessage());
        }
        return answering(turn);
    }

    private Behavior<Command> onActive(Turn turn, Active active) {
        if (active.generation() == generation) {
            turn.ask().request().activity().accept(active.what());
        }
        return Behaviors.same();
    }

    private Behavior<Command> onAnswered(Turn turn, TurnOutcome outcome) {
        switch (outcome) {
            case TurnOutcome.Answered a -> forkId = a.forkSessionId();
            case TurnOutcome.Failed f -> f.forkSessionId().ifPresent(id -> forkId = id);
            case TurnOutcome.SessionGone g -> {
                return reply(turn, outcome, false); // nothing to resume: no process is kept for it
            }
        }
        return reply(turn, outcome, true);
    }

    /** claude died while answering: started again once (same fork when it has one), then the turn fails. */
    private Behavior<Command> onEndedMidTurn(Turn turn, String why) {
        session = null;
        Optional<String> gone = dev.agenttunnel.core.registry.SessionTranscripts.missingSession(why);
        if (gone.isPresent()) { // claude had no such session: starting it again cannot help
            return reply(turn, new TurnOutcome.SessionGone(gone.get(), !launchedAs.forkSession(), Duration.ZERO), false);
        }
        if (turn.retried()) {
            return reply(turn, new TurnOutcome.Failed("claude stopped before it answered (" + why + ").", Optional.ofNullable(forkId),
                    Duration.ZERO), false);
        }
        context.getLog().warn("[{}] warm claude ended mid-turn ({}); starting it again for the same question", threadKey, why);
        ForkTurn again = forkId == null ? turn.ask().request().turn() : resumeOf(turn.ask().request().turn(), forkId);
        return launch(turn.again(), again);
    }

    private Behavior<Command> onEndedWhileWarm(String why) {
        context.getLog().info("[{}] warm claude ended while idle ({}); the next turn resumes the fork cold", threadKey, why);
        session = null;
        pool.tell(new WarmPool.Cooled(threadKey));
        return cold();
    }

    private Behavior<Command> fail(Turn turn, String why) {
        stopSession();
        return reply(turn, new TurnOutcome.Failed(why, Optional.ofNullable(forkId), Duration.ZERO), false);
    }

    /** Tells the asker and goes on warm (process kept) or cold. */
    private Behavior<Command> reply(Turn turn, TurnOutcome outcome, boolean keepProcess) {
        timers.cancel(TurnTimedOut.class);
        boolean keep = keepProcess && session != null && !coolWhenDone;
        if (!keep) {
            stopSession(); // before the asker hears: a closed fork is closed by then
        }
        turn.ask().replyTo().tell(outcome);
        return keep ? warm() : cold();
    }

    private Behavior<Command> refuseWhileBusy(Ask ask) {
        ask.replyTo().tell(new TurnOutcome.Failed("This thread's fork is still answering an earlier question; ask again when it "
                + "is done.", Optional.empty(), Duration.ZERO));
        return Behaviors.same();
    }

    private Behavior<Command> coolLater() {
        coolWhenDone = true;
        return Behaviors.same();
    }

    private Behavior<Command> cool(String why) {
        context.getLog().debug("[{}] closing warm claude ({})", threadKey, why);
        stopSession();
        return cold();
    }

    private Behavior<Command> stopStale(Launched launched) {
        if (launched.session() != null && launched.session() != session) {
            launched.session().stop();
        }
        return Behaviors.same();
    }

    private String timedOut(Turn turn) {
        return "Timed out after " + turn.ask().request().timeout().toSeconds() + "s — claude was stopped. Ask again, perhaps a "
                + "smaller question.";
    }

    private void stopSession() {
        coolWhenDone = false;
        timers.cancel(IdleTimedOut.INSTANCE);
        if (session != null) {
            session.stop();
            session = null;
            pool.tell(new WarmPool.Cooled(threadKey));
        }
        generation++; // whatever the old process still reports is stale now
    }

    private Behavior<Command> close() {
        if (session != null) {
            session.stop();
            session = null;
            pool.tell(new WarmPool.Cooled(threadKey));
        }
        return Behaviors.same();
    }

    private static ForkTurn resumeOf(ForkTurn turn, String fork) {
        return new ForkTurn(fork, false, turn.access(), turn.projectDir(), turn.configDir(), turn.readableDirs(), turn.outbox());
    }
}
