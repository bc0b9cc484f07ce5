package dev.agenttunnel.actors;

import dev.agenttunnel.core.turn.TurnPreparer;
import dev.agenttunnel.core.turn.TurnPreparer.Preparation;
import dev.agenttunnel.core.attachments.Inbox;
import dev.agenttunnel.core.attachments.Inbox.Intake;
import dev.agenttunnel.core.attachments.Outbox;
import dev.agenttunnel.core.attachments.UploadArea;
import dev.agenttunnel.core.chat.BridgeTexts;
import dev.agenttunnel.core.chat.Progress;
import dev.agenttunnel.core.chat.ProgressText;
import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.claude.Persona;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import dev.agenttunnel.core.registry.SessionTranscripts;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.turn.TurnFolders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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

    /** A question from {@code sender}, with the files attached to it, to be answered in this thread. */
    public record Ask(String messageId, String sender, String text, List<ChatAttachment> attachments) implements Command {
        public Ask {
            attachments = List.copyOf(attachments);
        }

        public Ask(String messageId, String sender, String text) {
            this(messageId, sender, text, List.of());
        }
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

    /** The attachments taken in and the outbox as it was, before the turn runs. */
    private record TookIn(Preparation.Ready ready, Intake intake, Outbox.Snapshot outbox, Throwable failure) implements Command {
    }

    private record Finished(TurnOutcome outcome, Throwable failure) implements Command {
    }

    /** What the turn left in the outbox, read for posting. */
    private record Collected(TurnOutcome.Answered answered, Outbox.Deliverables deliverables, Throwable failure) implements Command {
    }

    private record Posted(Throwable failure) implements Command {
    }

    private record Forgotten(Throwable failure) implements Command {
    }

    private record Reaped(boolean closed, Throwable failure) implements Command {
    }

    private enum TypingTick implements Command { INSTANCE }

    private enum ProgressTick implements Command { INSTANCE }

    /** A turn's progress message shows once it has run this long (quick answers need none), refreshed this often. */
    private static final Duration PROGRESS_AFTER = Duration.ofSeconds(2);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(1500);

    private record WarmStopped() implements Command {
    }

    /** What the fork is doing now (from its warm session), in words for the person waiting. */
    private record Activity(String what) implements Command {
    }

    /** The warm session answers by the turn's own timeout; this much more and the ask itself gives up. */
    private static final Duration WARM_REPLY_GRACE = Duration.ofSeconds(15);

    private static final Duration TYPING_EVERY = Duration.ofSeconds(8);
    private static final Duration TYPING_FIRST_AFTER = Duration.ofMillis(800);
    /** How long the chat may take to start sending an attachment's bytes. */
    private static final Duration DOWNLOAD_START = Duration.ofSeconds(60);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final BridgeDeps deps;
    private final String threadKey;
    private final String channelId;
    private final ThreadRecord boundUnder;
    private final ActorRef<TurnPermits.Command> permits;
    private final ActorRef<TurnPermits.Granted> permitReplies;
    private final ActorRef<String> activityReplies;
    private final ActorRef<Reaper.Command> reaper;
    private final ActorRef<WarmPool.Command> warmPool;
    /** This thread's warm fork (headless, when the daemon keeps them), spawned on its first headless turn. */
    private ActorRef<WarmSession.Command> warm;
    private final TurnPreparer preparer;
    private final Inbox inbox;
    private final Deque<Ask> queue = new ArrayDeque<>();
    private Ask current;
    private RunningTurn running;
    /** The backend of the latest turn and the window its fork keeps between turns ("" when it keeps none). */
    private Backend backend;
    private String window = "";
    /** The running turn's outbox (write levels and up) and what it held before the turn. */
    private Optional<Path> outbox = Optional.empty();
    private Outbox.Snapshot outboxBefore = Outbox.Snapshot.empty();
    private long turnStarted;
    private boolean followUp;
    /** The running turn's progress message (once shown), its steps so far and the latest of them. */
    private Progress progress;
    private int steps;
    private String lastActivity = "";
    /** The handle the thread's session is published under as this turn started (it follows relabels). */
    private String turnHandle = "";
    private boolean closeRequested;
    private boolean holdsPermit;
    /** The current turn's answer is being posted: the asker already sees it, so a new question is no "wait". */
    private boolean delivering;
    private String abortReason;

    private Conversation(ActorContext<Command> context, TimerScheduler<Command> timers, BridgeDeps deps, String threadKey,
            String channelId, ThreadRecord boundUnder, ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper,
            ActorRef<WarmPool.Command> warmPool) {
        this.context = context;
        this.timers = timers;
        this.deps = deps;
        this.threadKey = threadKey;
        this.channelId = channelId;
        this.boundUnder = boundUnder;
        this.permits = permits;
        this.reaper = reaper;
        this.warmPool = warmPool;
        this.permitReplies = context.messageAdapter(TurnPermits.Granted.class, g -> new PermitGranted());
        this.activityReplies = context.messageAdapter(String.class, Activity::new);
        this.preparer = new TurnPreparer(deps.store(), deps.registry(), deps.command(), deps.settings().tunnel().stateDir(),
                deps.settings().limits(), deps.clock());
        this.inbox = new Inbox(deps.settings().limits().maxAttachments(), deps.settings().limits().maxAttachmentBytes(), deps.converter());
    }

    /**
     * @param boundUnder the binding as it was when this conversation started: a turn runs only while the stored
     *                   binding is still this one (same expert session, same bind time)
     * @param reaper     told when the fork's window goes idle and when it is busy again
     */
    public static Behavior<Command> create(BridgeDeps deps, String threadKey, String channelId, ThreadRecord boundUnder,
            ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper, ActorRef<WarmPool.Command> warmPool) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new Conversation(context, timers, deps, threadKey, channelId, boundUnder, permits, reaper, warmPool).idle()));
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(WarmStopped.class, w -> onWarmStopped())
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
                .onMessage(WarmStopped.class, w -> onWarmStopped())
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
                .onMessage(WarmStopped.class, w -> onWarmStopped())
                .onMessage(PermitGranted.class, g -> onPermit())
                .onMessage(Prepared.class, this::onPrepared)
                .onMessage(TookIn.class, this::onTookIn)
                .onMessage(Finished.class, this::onFinished)
                .onMessage(Collected.class, this::onCollected)
                .onMessage(Posted.class, this::onPosted)
                .onMessage(TypingTick.class, t -> typing())
                .onMessage(Activity.class, this::onActivity)
                .onMessage(ProgressTick.class, t -> onProgressTick())
                .onMessage(Ask.class, this::onAskWhileBusy)
                .onMessage(Close.class, c -> requestClose())
                .onMessage(Reap.class, r -> Behaviors.same())
                .onMessage(Abort.class, this::onAbort)
                .onSignal(PostStop.class, s -> stopTurn())
                .build();
    }

    private Behavior<Command> closing() {
        queue.forEach(ask -> deps.journal().done(ask.messageId())); // closed with the thread: nobody waits for them
        queue.clear();
        context.pipeToSelf(CompletableFuture.runAsync(this::forget, deps.blockingIo()), (ok, failure) -> new Forgotten(failure));
        return Behaviors.receive(Command.class)
                .onMessage(WarmStopped.class, w -> onWarmStopped())
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
            case Preparation.Refused refused -> {
                context.getLog().info("A [{}] {}: refused — {}", threadKey, boundUnder.handle(), refused.reason());
                yield post(BridgeTexts.failed(refused.reason()));
            }
            case Preparation.Rebound rebound -> post(BridgeTexts.restarted());
            case Preparation.Unbound unbound -> {
                closeRequested = false;
                abortReason = BridgeTexts.forgotten();
                yield post(BridgeTexts.forgotten());
            }
            case Preparation.Ready ready -> takeIn(ready);
        };
    }

    /** Downloads the question's files and notes what the outbox holds (blocking, off the dispatcher). */
    private Behavior<Command> takeIn(Preparation.Ready ready) {
        List<ChatAttachment> files = current.attachments();
        context.getLog().info("Q [{}] {} ← {}{}: {}", threadKey, boundUnder.handle(), current.sender(),
                files.isEmpty() ? "" : " +" + files.size() + " file(s)", quoted(current.text()));
        Optional<Path> box = ready.turn().outbox();
        if (!files.isEmpty()) { // downloading and converting take a while: show that something is happening
            timers.startSingleTimer(TypingTick.INSTANCE, TYPING_FIRST_AFTER);
        }
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> takeIn(files, box), deps.blockingIo()),
                (taken, failure) -> new TookIn(ready, taken == null ? null : taken.intake(), taken == null ? null : taken.snapshot(), failure));
        return Behaviors.same();
    }

    private record Taken(Intake intake, Outbox.Snapshot snapshot) {
    }

    private Taken takeIn(List<ChatAttachment> files, Optional<Path> box) {
        try {
            Path stateDir = deps.settings().tunnel().stateDir();
            Path uploads = TurnFolders.uploadsDir(stateDir, threadKey);
            Intake intake = inbox.take(files, uploads, this::download);
            if (intake.attached() > 0) {
                UploadArea.trim(uploads.getParent(), deps.settings().limits().maxUploadsBytes(), uploads);
            }
            return new Taken(intake, box.isPresent() ? Outbox.snapshot(box.get()) : Outbox.Snapshot.empty());
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /** One attachment's bytes, through the chat port (called on the blocking executor, so waiting here is fine). */
    private java.io.InputStream download(ChatAttachment attachment) throws java.io.IOException {
        try {
            return deps.chat().download(attachment).toCompletableFuture().get(DOWNLOAD_START.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.io.IOException(rootMessage(e), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException("no answer within " + DOWNLOAD_START.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private Behavior<Command> onTookIn(TookIn took) {
        timers.cancel(TypingTick.INSTANCE);
        if (abortReason != null) {
            releasePermit();
            return post(BridgeTexts.shuttingDown());
        }
        if (took.failure() != null) {
            releasePermit();
            context.getLog().error("A [{}] {}: could not take in the attached files", threadKey, boundUnder.handle(), took.failure());
            return post(BridgeTexts.failed("Could not take in the attached files: " + rootMessage(took.failure())));
        }
        Intake intake = took.intake();
        intake.log().forEach(line -> context.getLog().info("[{}] {}", threadKey, line));
        if (!intake.skipped().isEmpty()) {
            deps.chat().post(channelId, BridgeTexts.skipped(intake.skipped()), List.of());
        }
        if (!intake.unreadable().isEmpty()) {
            deps.chat().post(channelId, BridgeTexts.unreadable(intake.unreadable(), intake.whyNot()), List.of());
        }
        if (current.text().isBlank() && intake.handed().isEmpty()) {
            releasePermit();
            context.getLog().info("A [{}] {}: skipped (no usable content)", threadKey, boundUnder.handle());
            return post(BridgeTexts.nothingToActOn());
        }
        outbox = took.ready().turn().outbox();
        outboxBefore = took.outbox();
        return runTurn(took.ready(), intake);
    }

    private Behavior<Command> runTurn(Preparation.Ready ready, Intake intake) {
        String question = Persona.relayed(current.sender(), deps.settings().tunnel().platform(),
                Persona.withAttachments(current.text(), intake.handed()));
        if (outbox.isPresent()) {
            question = Persona.withOutbox(question, outbox.get());
        }
        turnStarted = System.nanoTime();
        followUp = ready.record().hasFork();
        turnHandle = ready.record().handle();
        reaper.tell(new Reaper.Disarm(threadKey));
        backend = ready.record().effectiveBackend(deps.settings().tunnel().backend());
        TurnRequest request = new TurnRequest(ready.turn(), question, deps.settings().limits().answerTimeout(), activityReplies::tell);
        java.util.Optional<dev.agenttunnel.core.fork.SessionLauncher> warmLauncher = deps.forks().warmSessions();
        if (backend == Backend.HEADLESS && warmLauncher.isPresent() && deps.settings().limits().warmForks()) {
            window = "";
            running = askWarm(warmLauncher.get(), request);
        } else {
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
            running = fork.start(request);
            context.pipeToSelf(running.outcome(), Finished::new);
        }
        // The typing indicator appears once a turn takes noticeable time; an instant answer needs none.
        timers.startSingleTimer(TypingTick.INSTANCE, TYPING_FIRST_AFTER);
        steps = 0;
        lastActivity = "";
        if (deps.settings().discord().progress()) {
            timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, PROGRESS_EVERY);
        }
        return Behaviors.same();
    }

    /** The turn on this thread's warm fork (spawned on first use; stopped, and its claude killed, with this thread). */
    private RunningTurn askWarm(dev.agenttunnel.core.fork.SessionLauncher launcher, TurnRequest request) {
        if (warm == null) {
            warm = context.spawn(Behaviors.supervise(WarmSession.create(launcher, warmPool, threadKey,
                            deps.settings().limits().warmIdleTtl(), deps.blockingIo()))
                    // A session bug must not keep a claude running unseen: stop it (its PostStop kills the process).
                    .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.stop()), "warm-fork");
            context.watchWith(warm, new WarmStopped());
        }
        ActorRef<WarmSession.Command> session = warm;
        context.ask(TurnOutcome.class, session, request.timeout().plus(WARM_REPLY_GRACE),
                replyTo -> new WarmSession.Ask(request, replyTo),
                Finished::new);
        return new RunningTurn() {
            @Override
            public java.util.concurrent.CompletionStage<TurnOutcome> outcome() {
                return new CompletableFuture<>(); // the reply arrives as Finished through the ask above
            }

            @Override
            public void cancel(String why) {
                session.tell(new WarmSession.Cancel(why));
            }
        };
    }

    private Behavior<Command> onActivity(Activity activity) {
        context.getLog().debug("[{}] {}", threadKey, activity.what());
        if (running == null) {
            return Behaviors.same(); // a late report of a turn that ended
        }
        lastActivity = activity.what();
        steps++;
        if (progress != null) {
            progress.show(ProgressText.working(lastActivity, sinceTurnStarted()));
        }
        return Behaviors.same();
    }

    /** Every {@link #PROGRESS_EVERY} while a turn runs: once it takes noticeable time, its progress message shows. */
    private Behavior<Command> onProgressTick() {
        if (running == null) {
            return Behaviors.same();
        }
        Duration elapsed = sinceTurnStarted();
        if (progress == null && elapsed.compareTo(PROGRESS_AFTER) >= 0) {
            progress = deps.chat().progress(channelId);
        }
        if (progress != null) {
            progress.show(ProgressText.working(lastActivity, elapsed));
        }
        return Behaviors.same();
    }

    /** The progress message, if one showed, becomes a one-line summary of the turn. */
    private void finishProgress(boolean answered) {
        timers.cancel(ProgressTick.INSTANCE);
        if (progress != null) {
            Progress shown = progress;
            progress = null;
            shown.finish(ProgressText.finished(answered, steps, lastActivity, sinceTurnStarted()));
        }
    }

    private Duration sinceTurnStarted() {
        return Duration.ofNanos(System.nanoTime() - turnStarted);
    }

    private Behavior<Command> onWarmStopped() {
        warm = null;
        if (running != null && backend == Backend.HEADLESS) {
            context.getSelf().tell(new Finished(new TurnOutcome.Failed("The fork stopped unexpectedly; ask again.",
                    java.util.Optional.empty(), Duration.ZERO), null));
        }
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
        finishProgress(finished.outcome() instanceof TurnOutcome.Answered);
        running = null;
        releasePermit();
        double seconds = (System.nanoTime() - turnStarted) / 1e9;
        if (finished.failure() != null) {
            context.getLog().error("A [{}] {}: unexpected backend failure", threadKey, boundUnder.handle(), finished.failure());
            return post(BridgeTexts.unexpected());
        }
        return switch (finished.outcome()) {
            case TurnOutcome.Answered answered -> collect(answered);
            case TurnOutcome.Failed failed -> {
                context.getLog().warn("A [{}] {}: error after {}s — {}", threadKey, boundUnder.handle(), String.format("%.1f", seconds),
                        cut(failed.message(), 200));
                yield post(abortReason != null ? abortReason : BridgeTexts.failed(failed.message()));
            }
            case TurnOutcome.SessionGone gone -> onSessionGone(gone);
        };
    }

    /** The owner hears in the log which session is gone and where its transcript was; the colleague, that it is gone. */
    private Behavior<Command> onSessionGone(TurnOutcome.SessionGone gone) {
        String transcript = boundUnder.configDir().isEmpty() ? "its transcript under ~/.claude/projects"
                : "its transcript " + SessionTranscripts.expected(java.nio.file.Path.of(boundUnder.configDir()), boundUnder.projectDir(),
                        gone.sessionId());
        context.getLog().warn("A [{}] {}: {} {} is gone — claude has no conversation with that id ({} was deleted or moved); {}",
                threadKey, boundUnder.handle(), gone.fork() ? "this thread's fork" : "the published session", gone.sessionId(),
                transcript, gone.fork() ? "the thread has to start afresh (!done)"
                        : "no fork of it can start: revoke the handle or >share a live session (agent-tunnel doctor lists it)");
        return post(abortReason != null ? abortReason : BridgeTexts.sessionGone(gone.fork()));
    }

    /** Reads what the turn left in the outbox (blocking, off the dispatcher); a read-only thread has nothing to read. */
    private Behavior<Command> collect(TurnOutcome.Answered answered) {
        if (outbox.isEmpty()) {
            return onCollected(new Collected(answered, Outbox.Deliverables.none(), null));
        }
        Path box = outbox.get();
        Outbox.Snapshot before = outboxBefore;
        long cap = deps.settings().limits().maxDeliverableBytes();
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> collect(box, before, cap), deps.blockingIo()),
                (deliverables, failure) -> new Collected(answered, deliverables, failure));
        return Behaviors.same();
    }

    private static Outbox.Deliverables collect(Path box, Outbox.Snapshot before, long cap) {
        try {
            return Outbox.collect(box, before, cap);
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    private Behavior<Command> onCollected(Collected collected) {
        TurnOutcome.Answered answered = collected.answered();
        Outbox.Deliverables deliverables = collected.deliverables();
        if (collected.failure() != null) {
            context.getLog().error("A [{}] {}: could not read the outbox", threadKey, boundUnder.handle(), collected.failure());
            deliverables = Outbox.Deliverables.none();
        }
        double seconds = (System.nanoTime() - turnStarted) / 1e9;
        int count = deliverables.files().size();
        context.getLog().info("A [{}] {}: {} in {}s, {} chars{}, fork {}, {}", threadKey, boundUnder.handle(),
                followUp ? "follow-up" : "new", String.format("%.1f", seconds), answered.text().length(),
                count > 0 ? ", " + count + " deliverable(s)" : "", shortId(answered.forkSessionId()), costText(answered.cost()));
        if (!deliverables.refused().isEmpty()) {
            context.getLog().warn("A [{}] {}: not posted from the outbox: {}", threadKey, boundUnder.handle(), deliverables.refused());
        }
        return deliver(answered, deliverables);
    }

    private Behavior<Command> deliver(TurnOutcome.Answered answered, Outbox.Deliverables deliverables) {
        delivering = true;
        // Recording the fork (a synced file write under the lock) runs beside posting, not before it: the
        // colleague waits for the answer, not for the disk. The next turn starts only after both are done.
        String handleNow = turnHandle;
        CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> record(answered, handleNow), deps.blockingIo());
        // The answer is journaled before it is posted: a daemon stopped in between posts it after its restart, and does
        // not ask the fork again.
        CompletableFuture<Void> posted = deps.journal().answered(current.messageId(), answered.forkSessionId(), answered.text())
                .thenCompose(ignored -> AnswerPoster.post(deps.chat(), channelId, answered.text(), deps.settings().limits().maxInlineChars()))
                .thenCompose(ignored -> AnswerPoster.deliverables(deps.chat(), channelId, deliverables))
                .toCompletableFuture();
        CompletableFuture<Void> done = CompletableFuture.allOf(recorded, posted);
        context.pipeToSelf(done, (ok, failure) -> new Posted(failure));
        return Behaviors.same();
    }

    private void record(TurnOutcome.Answered answered, String handle) {
        try {
            deps.store().recordFork(threadKey, answered.forkSessionId(), window, boundUnder);
            deps.store().recordCost(threadKey, handle, answered.cost(), preparer.today());
        } catch (java.io.IOException e) {
            throw new CompletionException(e);
        }
    }

    static String costText(dev.agenttunnel.core.fork.TurnCost cost) {
        return String.format(java.util.Locale.ROOT, "$%.4f, %d/%d tokens", cost.usd(), cost.inputTokens(), cost.outputTokens());
    }

    private Behavior<Command> post(String text) {
        context.pipeToSelf(deps.chat().post(channelId, text, List.of()), (ok, failure) -> new Posted(failure));
        return Behaviors.same();
    }

    private Behavior<Command> onPosted(Posted posted) {
        if (posted.failure() != null) {
            context.getLog().error("A [{}] {}: could not post in the thread", threadKey, boundUnder.handle(), posted.failure());
        }
        // Answered, or told why not: the question leaves the journal — unless the daemon is stopping, when the next
        // daemon answers it.
        if (current != null && !BridgeTexts.shuttingDown().equals(abortReason)) {
            deps.journal().done(current.messageId());
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
        finishProgress(false);
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
