package dev.agenttunnel.actors;

import dev.agenttunnel.core.turn.TurnPreparer;
import dev.agenttunnel.core.turn.TurnPreparer.Preparation;
import dev.agenttunnel.core.chat.BridgeTexts;
import dev.agenttunnel.core.claude.Persona;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import dev.agenttunnel.core.store.ThreadRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One chat thread's conversation with its fork. Runs one turn at a time and queues the rest in order; re-reads
 * the binding and the handle's access before every turn; reports every outcome — answer, refusal, failure,
 * shutdown — in its thread. Nothing else touches this thread's fork.
 *
 * <p>Phases: {@link #idle} (waiting for a question) → {@link #busy} (permit, preparation, the turn, posting) →
 * back to idle, or {@link #closing} (forgetting the binding and files) → stopped.
 */
public final class Conversation {
    public sealed interface Command {
    }

    /** A question from {@code sender}, to be answered in this thread. */
    public record Ask(String messageId, String sender, String text) implements Command {
    }

    /** {@code !done}: close after any running turn. */
    public enum Close implements Command { INSTANCE }

    /** From the {@link Reaper}: the fork's window has been idle past its TTL; close it unless a turn has started. */
    public enum Reap implements Command { INSTANCE }

    /** Stop now (daemon shutdown): a running turn is stopped and the thread told {@code why}. */
    public record Abort(String why) implements Command {
    }

    private record PermitGranted() implements Command {
    }

    private record Prepared(Preparation preparation, Throwable failure) implements Command {
    }

    private record Finished(TurnOutcome outcome, Throwable failure) implements Command {
    }

    private record Posted(Throwable failure) implements Command {
    }

    private record Forgotten(Throwable failure) implements Command {
    }

    private record Reaped(boolean closed, Throwable failure) implements Command {
    }

    private enum TypingTick implements Command { INSTANCE }

    private static final Duration TYPING_EVERY = Duration.ofSeconds(8);
    private static final Duration TYPING_FIRST_AFTER = Duration.ofMillis(800);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final BridgeDeps deps;
    private final String threadKey;
    private final String channelId;
    private final ThreadRecord boundUnder;
    private final ActorRef<TurnPermits.Command> permits;
    private final ActorRef<TurnPermits.Granted> permitReplies;
    private final ActorRef<Reaper.Command> reaper;
    private final TurnPreparer preparer;
    private final Deque<Ask> queue = new ArrayDeque<>();
    private Ask current;
    private RunningTurn running;
    /** The backend of the latest turn and the window its fork keeps between turns ("" when it keeps none). */
    private Backend backend;
    private String window = "";
    private long turnStarted;
    private boolean followUp;
    private boolean closeRequested;
    private boolean holdsPermit;
    /** The current turn's answer is being posted: the asker already sees it, so a new question is no "wait". */
    private boolean delivering;
    private String abortReason;

    private Conversation(ActorContext<Command> context, TimerScheduler<Command> timers, BridgeDeps deps, String threadKey,
            String channelId, ThreadRecord boundUnder, ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper) {
        this.context = context;
        this.timers = timers;
        this.deps = deps;
        this.threadKey = threadKey;
        this.channelId = channelId;
        this.boundUnder = boundUnder;
        this.permits = permits;
        this.reaper = reaper;
        this.permitReplies = context.messageAdapter(TurnPermits.Granted.class, g -> new PermitGranted());
        this.preparer = new TurnPreparer(deps.store(), deps.registry(), deps.command(), deps.settings().tunnel().stateDir());
    }

    /**
     * @param boundUnder the binding as it was when this conversation started: a turn runs only while the stored
     *                   binding is still this one (same expert session, same bind time)
     * @param reaper     told when the fork's window goes idle and when it is busy again
     */
    public static Behavior<Command> create(BridgeDeps deps, String threadKey, String channelId, ThreadRecord boundUnder,
            ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new Conversation(context, timers, deps, threadKey, channelId, boundUnder, permits, reaper).idle()));
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(Ask.class, this::startTurn)
                .onMessage(Close.class, c -> closing())
                .onMessage(Reap.class, r -> reaping())
                .onMessage(Abort.class, a -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> stopTurn())
                .build();
    }

    /** Closing the idle window (blocking, off the dispatcher); questions that come meanwhile wait for it. */
    private Behavior<Command> reaping() {
        Backend reapedBackend = backend;
        String reapedWindow = window;
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> reap(reapedBackend, reapedWindow), deps.blockingIo()), Reaped::new);
        return Behaviors.receive(Command.class)
                .onMessage(Reaped.class, this::onReaped)
                .onMessage(Ask.class, this::enqueue)
                .onMessage(Close.class, c -> requestClose())
                .onMessage(Reap.class, r -> Behaviors.same())
                .onMessage(Abort.class, a -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> stopTurn())
                .build();
    }

    private Behavior<Command> busy() {
        return Behaviors.receive(Command.class)
                .onMessage(PermitGranted.class, g -> onPermit())
                .onMessage(Prepared.class, this::onPrepared)
                .onMessage(Finished.class, this::onFinished)
                .onMessage(Posted.class, this::onPosted)
                .onMessage(TypingTick.class, t -> typing())
                .onMessage(Ask.class, this::onAskWhileBusy)
                .onMessage(Close.class, c -> requestClose())
                .onMessage(Reap.class, r -> Behaviors.same())
                .onMessage(Abort.class, this::onAbort)
                .onSignal(PostStop.class, s -> stopTurn())
                .build();
    }

    private Behavior<Command> closing() {
        context.pipeToSelf(CompletableFuture.runAsync(this::forget, deps.blockingIo()), (ok, failure) -> new Forgotten(failure));
        return Behaviors.receive(Command.class)
                .onMessage(Forgotten.class, this::onForgotten)
                .onMessage(Posted.class, p -> Behaviors.stopped())
                .onMessage(Ask.class, a -> Behaviors.same())
                .onMessage(Reap.class, r -> Behaviors.same())
                .onMessage(Abort.class, a -> Behaviors.stopped())
                .build();
    }

    private Behavior<Command> startTurn(Ask ask) {
        current = ask;
        permits.tell(new TurnPermits.Acquire(permitReplies));
        return busy();
    }

    private Behavior<Command> onPermit() {
        holdsPermit = true;
        if (abortReason != null) {
            releasePermit();
            return post(BridgeTexts.shuttingDown());
        }
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> prepare(), deps.blockingIo()), Prepared::new);
        return Behaviors.same();
    }

    private Preparation prepare() {
        try {
            return preparer.prepare(threadKey, java.util.Optional.of(boundUnder));
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onPrepared(Prepared prepared) {
        if (!(prepared.preparation() instanceof Preparation.Ready)) {
            releasePermit();
        }
        if (abortReason != null) {
            releasePermit();
            return post(BridgeTexts.shuttingDown());
        }
        if (prepared.failure() != null) {
            context.getLog().error("A [{}] {}: could not prepare the turn", threadKey, boundUnder.handle(), prepared.failure());
            return post(BridgeTexts.failed("Could not start the turn: " + rootMessage(prepared.failure())));
        }
        return switch (prepared.preparation()) {
            case Preparation.Refused refused -> post(BridgeTexts.failed(refused.reason()));
            case Preparation.Rebound rebound -> post(BridgeTexts.restarted());
            case Preparation.Unbound unbound -> {
                closeRequested = false;
                abortReason = BridgeTexts.forgotten();
                yield post(BridgeTexts.forgotten());
            }
            case Preparation.Ready ready -> runTurn(ready);
        };
    }

    private Behavior<Command> runTurn(Preparation.Ready ready) {
        context.getLog().info("Q [{}] {} ← {}: {}", threadKey, boundUnder.handle(), current.sender(), quoted(current.text()));
        String question = Persona.relayed(current.sender(), deps.settings().tunnel().platform(), current.text());
        turnStarted = System.nanoTime();
        followUp = ready.record().hasFork();
        reaper.tell(new Reaper.Disarm(threadKey));
        backend = ready.record().effectiveBackend(deps.settings().tunnel().backend());
        ForkBackend fork;
        try {
            // The thread's handle as stored now: after `agent-tunnel rename` its tmux window takes the new name.
            fork = deps.forks().forThread(backend, ready.record().handle(), threadKey);
        } catch (IllegalStateException e) { // this daemon cannot run the thread's backend (e.g. tmux is missing)
            releasePermit();
            context.getLog().warn("A [{}] {}: no {} backend — {}", threadKey, boundUnder.handle(), backend.wire(), e.getMessage());
            return post(BridgeTexts.failed("This thread cannot be answered here: " + e.getMessage()));
        }
        window = fork.tmuxWindow();
        running = fork.start(new TurnRequest(ready.turn(), question, deps.settings().limits().answerTimeout()));
        context.pipeToSelf(running.outcome(), Finished::new);
        // The typing indicator appears once a turn takes noticeable time; an instant answer needs none.
        timers.startSingleTimer(TypingTick.INSTANCE, TYPING_FIRST_AFTER);
        return Behaviors.same();
    }

    private void releasePermit() {
        if (holdsPermit) {
            holdsPermit = false;
            permits.tell(new TurnPermits.Release(permitReplies));
        }
    }

    private Behavior<Command> typing() {
        deps.chat().typing(channelId);
        timers.startSingleTimer(TypingTick.INSTANCE, TYPING_EVERY);
        return Behaviors.same();
    }

    private Behavior<Command> onFinished(Finished finished) {
        timers.cancel(TypingTick.INSTANCE);
        running = null;
        releasePermit();
        double seconds = (System.nanoTime() - turnStarted) / 1e9;
        if (finished.failure() != null) {
            context.getLog().error("A [{}] {}: unexpected backend failure", threadKey, boundUnder.handle(), finished.failure());
            return post(BridgeTexts.unexpected());
        }
        return switch (finished.outcome()) {
            case TurnOutcome.Answered answered -> {
                context.getLog().info("A [{}] {}: {} in {}s, {} chars, fork {}", threadKey, boundUnder.handle(),
                        followUp ? "follow-up" : "new",
                        String.format("%.1f", seconds), answered.text().length(), shortId(answered.forkSessionId()));
                yield deliver(answered);
            }
            case TurnOutcome.Failed failed -> {
                context.getLog().warn("A [{}] {}: error after {}s — {}", threadKey, boundUnder.handle(), String.format("%.1f", seconds),
                        cut(failed.message(), 200));
                yield post(abortReason != null ? abortReason : BridgeTexts.failed(failed.message()));
            }
        };
    }

    private Behavior<Command> deliver(TurnOutcome.Answered answered) {
        delivering = true;
        // Recording the fork (a synced file write under the lock) runs beside posting, not before it: the
        // colleague waits for the answer, not for the disk. The next turn starts only after both are done.
        CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> recordFork(answered.forkSessionId()), deps.blockingIo());
        CompletableFuture<Void> posted = AnswerPoster.post(deps.chat(), channelId, answered.text(), deps.settings().limits().maxInlineChars())
                .toCompletableFuture();
        CompletableFuture<Void> done = CompletableFuture.allOf(recorded, posted);
        context.pipeToSelf(done, (ok, failure) -> new Posted(failure));
        return Behaviors.same();
    }

    private void recordFork(String forkId) {
        try {
            deps.store().recordFork(threadKey, forkId, window, boundUnder);
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> post(String text) {
        context.pipeToSelf(deps.chat().post(channelId, text, List.of()), (ok, failure) -> new Posted(failure));
        return Behaviors.same();
    }

    private Behavior<Command> onPosted(Posted posted) {
        if (posted.failure() != null) {
            context.getLog().error("A [{}] {}: could not post in the thread", threadKey, boundUnder.handle(), posted.failure());
        }
        current = null;
        delivering = false;
        if (abortReason != null) {
            return Behaviors.stopped();
        }
        if (closeRequested) {
            return closing();
        }
        return nextOrIdle();
    }

    /** The next queued question, or idle with the reaper armed for the window the fork keeps (if any). */
    private Behavior<Command> nextOrIdle() {
        if (queue.isEmpty() && !window.isEmpty()) {
            reaper.tell(new Reaper.Arm(threadKey, context.getSelf()));
        }
        return next();
    }

    private Behavior<Command> next() {
        Ask next = queue.pollFirst();
        return next == null ? idle() : startTurn(next);
    }

    private boolean reap(Backend reapedBackend, String reapedWindow) {
        try {
            boolean closed = deps.forks().reap(reapedBackend, threadKey);
            deps.store().clearWindow(threadKey, reapedWindow);
            return closed;
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onReaped(Reaped reaped) {
        if (reaped.failure() != null) {
            context.getLog().error("Reaper error on [{}] {}", threadKey, boundUnder.handle(), reaped.failure());
        } else if (reaped.closed()) {
            context.getLog().info("Reaped 1 idle window(s): {} of [{}] {}", window, threadKey, boundUnder.handle());
        }
        // Not re-armed: the window is gone (or was), and the next turn's end arms the reaper again.
        return closeRequested ? closing() : next();
    }

    private Behavior<Command> enqueue(Ask ask) {
        queue.addLast(ask);
        return Behaviors.same();
    }

    private Behavior<Command> onAskWhileBusy(Ask ask) {
        queue.addLast(ask);
        if (!delivering) {
            deps.chat().post(channelId, BridgeTexts.queued(), List.of());
        }
        return Behaviors.same();
    }

    private Behavior<Command> requestClose() {
        closeRequested = true;
        return Behaviors.same();
    }

    private Behavior<Command> onAbort(Abort abort) {
        abortReason = abort.why();
        if (running != null) {
            running.cancel(abort.why());
        }
        return Behaviors.same();
    }

    private void forget() {
        try {
            ThreadForgetting.forget(deps, threadKey);
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onForgotten(Forgotten forgotten) {
        if (forgotten.failure() != null) {
            context.getLog().error("Error closing {}", threadKey, forgotten.failure());
        } else {
            context.getLog().info("Closed thread {} on request", threadKey);
        }
        return post(BridgeTexts.closed());
    }

    private Behavior<Command> stopTurn() {
        reaper.tell(new Reaper.Disarm(threadKey));
        if (running != null) {
            running.cancel(abortReason != null ? abortReason : BridgeTexts.shuttingDown());
        }
        return Behaviors.same();
    }

    static String quoted(String question) {
        String flat = question.replace('\n', ' ');
        return "'" + (flat.length() > 120 ? flat.substring(0, 120) : flat) + "'";
    }

    private static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while ((root instanceof CompletionException || root instanceof java.util.concurrent.ExecutionException) && root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
