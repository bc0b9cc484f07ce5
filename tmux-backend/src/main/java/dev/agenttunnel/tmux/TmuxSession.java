package dev.agenttunnel.tmux;

import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One conversation thread's fork in tmux: an interactive claude in one window of the private server, driven by
 * events only — claude's hooks, tmux's control-mode notices and timers arrive as messages, one at a time.
 *
 * <p>Phases, each a behaviour: {@link #between} (no turn; a live window, if any, waits for a follow-up) →
 * {@link #launching} (a new window runs {@code claude --resume … -- "<prompt>"}; claude submits the prompt itself
 * once ready; pane output triggers a look for a screen that would block it) or {@link #submitting} (a warm follow-up
 * was pasted as one bracketed paste and Enter pressed; Enter is pressed again, a bounded number of times, until the
 * {@code UserPromptSubmit} hook proves the turn started) → {@link #answering} (until the {@code Stop} hook) →
 * {@link #settling} (the whole answer is read from the transcript after the entry carrying this turn's
 * {@code [ref:…]} marker; claude writes it ~0.1 s after the hook, so the tail is re-read briefly until it agrees with
 * the hook's {@code last_assistant_message}) → {@link #between}.
 *
 * <p>Every way a turn can fail — claude exiting, the window or the server going away, a blocking screen, a cancel,
 * the timeout, {@code StopFailure} — ends it with one clear message; the fork id, once known, is kept so the next
 * turn resumes the conversation. A window that cannot serve another turn as it is is closed before the failure is
 * told. The window is also closed when this actor stops or restarts.
 *
 * <p>Runs on the blocking-I/O dispatcher: each step is a short tmux client call (a few milliseconds) made right in
 * its handler, which keeps each phase's logic in one place.
 */
final class TmuxSession {
    sealed interface Command {
    }

    /** Answer {@code request}; exactly one outcome goes to {@code replyTo}, whatever happens. */
    record Ask(TurnRequest request, ActorRef<TurnOutcome> replyTo) implements Command {
    }

    /** End the turn of {@code request}, if it still runs, with {@code why}; its window is closed. */
    record Cancel(TurnRequest request, String why) implements Command {
    }

    /**
     * Close the window (idle reaping, forget, shutdown); a running turn ends with {@code why}. Replies once the
     * window and its claude are gone; with {@code stop}, the actor stops too.
     */
    record Release(String why, boolean stop, ActorRef<Done> replyTo) implements Command {
    }

    /** Whether the window's claude runs, so the next turn can be a warm follow-up. */
    record QueryLive(ActorRef<Boolean> replyTo) implements Command {
    }

    /** A hook event (or the exit notice of the pane-died hook) of a window this session launched. */
    record Hooked(HookInbox.Event event) implements Command {
    }

    /** The window's pane printed something (coalesced by the hub: at most one is queued). */
    enum PaneOutput implements Command { INSTANCE }

    /** The window with tmux id {@code windowId} is gone (with {@code serverGone}, the whole server). */
    record WindowClosed(String windowId, boolean serverGone) implements Command {
    }

    /**
     * The thread's handle was renamed: its window is called {@code windowName} from now on (renamed now if it is open,
     * and launched under that name next time). The window itself, and a turn running in it, carry on.
     */
    record Rename(String windowName) implements Command {
    }

    private record TurnTimedOut(long turn) implements Command {
    }

    private record LaunchTimedOut(long turn) implements Command {
    }

    private record SubmitNotSeen(long turn) implements Command {
    }

    private record ReadAnswer(long turn) implements Command {
    }

    private record CheckPane(long turn) implements Command {
    }

    static final Duration SUBMIT_WAIT = Duration.ofSeconds(3);
    static final int ENTER_PRESSES = 3;
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(5);
    /** How often a running turn looks whether claude's pane died unannounced (see {@link TmuxServer#reapLostChildren}). */
    static final Duration PANE_CHECK = Duration.ofSeconds(2);
    private static final int SCREEN_LINES = 15;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TURN_TIMER = "turn";
    private static final String LAUNCH_TIMER = "launch";
    private static final String SUBMIT_TIMER = "submit";
    private static final String READ_TIMER = "read";
    private static final String PANE_TIMER = "pane";

    private enum Phase { LAUNCHING, SUBMITTING, ANSWERING, SETTLING }

    /** The turn in progress; confined to the actor like everything here. */
    private static final class Turn {
        final long id;
        final TurnRequest request;
        final ActorRef<TurnOutcome> replyTo;
        final String marker = "[ref:" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "]";
        final String prompt;
        final long started = System.nanoTime();
        Phase phase = Phase.LAUNCHING;
        Path project;
        String forkId;
        String promptId = "";
        boolean sawHook;
        int enterPresses;
        TurnAnswer answer;
        String lastMessage = "";
        long settleStarted;
        int settleReads;
        boolean paneSeenDead;

        Turn(long id, TurnRequest request, ActorRef<TurnOutcome> replyTo) {
            this.id = id;
            this.request = request;
            this.replyTo = replyTo;
            this.prompt = marker + " " + request.question();
            this.forkId = request.turn().forkSession() ? null : request.turn().resumeId();
        }

        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final TmuxForks hub;
    private final TmuxServer server;
    private String windowName;
    private ForkWindow window;
    private Turn turn;
    private long turns;

    private TmuxSession(ActorContext<Command> context, TimerScheduler<Command> timers, TmuxForks hub, String windowName) {
        this.context = context;
        this.timers = timers;
        this.hub = hub;
        this.server = hub.server();
        this.windowName = windowName;
    }

    /** @param windowName the window's name when the session (re)starts */
    static Behavior<Command> create(TmuxForks hub, java.util.function.Supplier<String> windowName) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new TmuxSession(context, timers, hub, windowName.get()).between()));
    }

    // ----- phases -----

    private Behavior<Command> between() {
        return Behaviors.receive(Command.class)
                .onMessage(Ask.class, this::onAsk)
                .onMessage(Release.class, this::onRelease)
                .onMessage(QueryLive.class, this::onQueryLive)
                .onMessage(Hooked.class, this::onHookBetweenTurns)
                .onMessage(WindowClosed.class, this::onWindowClosedBetweenTurns)
                .onMessage(Rename.class, this::onRename)
                .onMessage(Command.class, stale -> Behaviors.same()) // a late timer, output, or cancel of a finished turn
                .onSignal(PreRestart.class, signal -> released())
                .onSignal(PostStop.class, signal -> released())
                .build();
    }

    private Behavior<Command> launching() {
        return duringTurn(Behaviors.receive(Command.class)
                .onMessage(PaneOutput.class, output -> onOutputWhileLaunching())
                .onMessage(LaunchTimedOut.class, this::onLaunchTimedOut));
    }

    private Behavior<Command> submitting() {
        return duringTurn(Behaviors.receive(Command.class)
                .onMessage(SubmitNotSeen.class, this::onSubmitNotSeen));
    }

    private Behavior<Command> answering() {
        return duringTurn(Behaviors.receive(Command.class));
    }

    private Behavior<Command> settling() {
        return duringTurn(Behaviors.receive(Command.class)
                .onMessage(ReadAnswer.class, this::onReadAnswer));
    }

    /** What every phase of a turn accepts, after its own messages. */
    private Behavior<Command> duringTurn(BehaviorBuilder<Command> phase) {
        return phase
                .onMessage(Hooked.class, this::onHookDuringTurn)
                .onMessage(WindowClosed.class, this::onWindowClosedDuringTurn)
                .onMessage(TurnTimedOut.class, this::onTurnTimedOut)
                .onMessage(CheckPane.class, this::onCheckPane)
                .onMessage(Cancel.class, this::onCancel)
                .onMessage(Release.class, this::onRelease)
                .onMessage(Ask.class, this::refuseWhileBusy)
                .onMessage(QueryLive.class, this::onQueryLive)
                .onMessage(Rename.class, this::onRename)
                .onMessage(Command.class, stale -> Behaviors.same())
                .onSignal(PreRestart.class, signal -> released())
                .onSignal(PostStop.class, signal -> released())
                .build();
    }

    /** Takes the new name (the window is addressed by its id, so nothing else changes); renames an open window. */
    private Behavior<Command> onRename(Rename rename) {
        windowName = rename.windowName();
        if (window != null) {
            window.rename(windowName);
            if (!window.windowId().isEmpty()) {
                try {
                    server.renameWindow(window.windowId(), windowName);
                } catch (TmuxException e) {
                    context.getLog().debug("{}: could not rename window {}: {}", windowName, window.windowId(), e.getMessage());
                }
            }
        }
        return Behaviors.same();
    }

    /** What tmux calls address this session's window by: its id once placed (a rename does not change it). */
    private String windowTarget() {
        return window != null && !window.windowId().isEmpty() ? window.windowId() : windowName;
    }

    // ----- a turn begins -----

    private Behavior<Command> onAsk(Ask ask) {
        if (hub.closing()) {
            ask.replyTo().tell(new TurnOutcome.Failed("agent-tunnel is shutting down; ask again once it is back.", Optional.empty(),
                    Duration.ZERO));
            return Behaviors.same();
        }
        turn = new Turn(++turns, ask.request(), ask.replyTo());
        timers.startSingleTimer(TURN_TIMER, new TurnTimedOut(turn.id), ask.request().timeout());
        timers.startTimerWithFixedDelay(PANE_TIMER, new CheckPane(turn.id), PANE_CHECK);
        try {
            List<String> flags = hub.command().flags(turn.request.turn());
            turn.project = CanonicalPaths.canonical(turn.request.turn().projectDir());
            if (!Files.isDirectory(turn.project)) {
                return fail("The published session's project folder " + turn.project + " no longer exists, so its fork cannot "
                        + "start. The owner can re-share the session from its new place.", false);
            }
            List<String> signature = signature(flags);
            if (canContinue(turn.request.turn(), signature) && submitWarm()) {
                return submitting();
            }
            if (window != null) {
                retire(); // it cannot take this turn as it is (other flags, another fork, or dead)
            }
            return launch(flags, signature);
        } catch (AccessRefusedException e) {
            return fail(e.getMessage(), false);
        } catch (TmuxException e) {
            return fail("Could not start the fork in tmux: " + e.getMessage(), true);
        } catch (IOException | RuntimeException e) {
            return fail(e.getMessage() == null ? "Could not start the fork: " + e : e.getMessage(), true);
        }
    }

    private Behavior<Command> refuseWhileBusy(Ask ask) {
        ask.replyTo().tell(new TurnOutcome.Failed("This thread's fork is still answering an earlier question; ask again when it "
                + "is done.", Optional.empty(), Duration.ZERO));
        return Behaviors.same();
    }

    /** The live window can take {@code next} as a follow-up: same fork, same flags, its claude still running. */
    private boolean canContinue(ForkTurn next, List<String> signature) {
        return window != null && !next.forkSession() && next.resumeId().equals(window.forkId())
                && window.signature.equals(signature) && !window.ended() && liveOnServer();
    }

    private boolean liveOnServer() {
        try {
            return server.windows().stream().anyMatch(w -> w.id().equals(window.windowId()) && !w.paneDead());
        } catch (TmuxException e) {
            return false;
        }
    }

    private Behavior<Command> launch(List<String> flags, List<String> signature) throws IOException, AccessRefusedException {
        Map<String, String> forkEnv = hub.forkEnvironment(turn.request.turn());
        Path claude = hub.claudeBinary();
        hub.seedTrust(forkEnv, turn.project);
        // Every --add-dir folder (the thread's uploads) needs trust too, or interactive claude asks about it first.
        for (Path dir : turn.request.turn().readableDirs()) {
            hub.seedTrust(forkEnv, CanonicalPaths.canonical(dir));
        }
        if (hub.inbox().verifyHookScript()) {
            context.getLog().warn("{}: the tmux backend's hook script {} had been changed or replaced; wrote it afresh", windowName,
                    hub.inbox().hookScript());
        }
        String token = HexFormat.of().toHexDigits(RANDOM.nextLong());
        List<String> argv = new ArrayList<>();
        argv.add(claude.toString());
        argv.addAll(flags);
        argv.addAll(hub.extraArgs());
        hub.command().settings(turn.request.turn(), Optional.of(hub.hookSettings(token)), hub.environment())
                .ifPresent(json -> argv.addAll(List.of("--settings", json)));
        argv.addAll(List.of("--", turn.prompt));
        window = new ForkWindow(token, windowName, signature, turn.forkId);
        turn.phase = Phase.LAUNCHING;
        hub.register(window, context.getSelf());
        server.killWindow(windowName); // one left by an earlier launch of this thread (e.g. before a restart)
        List<String> command = LaunchScript.write(hub.runtimeDir(), token, forkEnv, argv, server.terminal());
        TmuxServer.Window placed = server.newWindow(windowName, turn.project, command);
        hub.ensureControl(); // after the window: it may be the one that started the session
        hub.placed(window, placed, context.getSelf());
        timers.startSingleTimer(LAUNCH_TIMER, new LaunchTimedOut(turn.id), hub.launchTimeout());
        context.getLog().debug("{} {}: launched {} in window {} after {} ms", windowName, turn.marker,
                turn.forkId == null ? "a fork of " + turn.request.turn().resumeId() : "fork " + turn.forkId, window.windowId(),
                turn.elapsed().toMillis());
        // A dialog drawn before the pane's id was known produces no further output: look once now.
        return blockedEnd().orElseGet(this::launching);
    }

    /** Pastes the prompt into the live window and presses Enter; false when the window turned out to be gone. */
    private boolean submitWarm() {
        turn.phase = Phase.SUBMITTING;
        turn.forkId = window.forkId();
        try {
            server.paste(windowTarget(), turn.prompt);
            server.pressEnter(windowTarget());
        } catch (TmuxException e) {
            retire();
            return false;
        }
        context.getLog().debug("{} {}: pasted into the live window after {} ms", windowName, turn.marker, turn.elapsed().toMillis());
        turn.enterPresses = 1;
        timers.startSingleTimer(SUBMIT_TIMER, new SubmitNotSeen(turn.id), SUBMIT_WAIT);
        return true;
    }

    // ----- events during a turn -----

    private Behavior<Command> onHookDuringTurn(Hooked hooked) {
        HookInbox.Event event = hooked.event();
        if (window == null || !event.token().equals(window.token)) {
            return Behaviors.same(); // from a window this session already closed
        }
        window.noteHook(event);
        turn.sawHook = true;
        context.getLog().debug("{} {}: {} {} after {} ms", windowName, turn.marker, event.name(), event.argument(),
                turn.elapsed().toMillis());
        if (!event.field("session_id").isEmpty()) {
            turn.forkId = event.field("session_id");
        }
        return switch (event.name()) {
            case "UserPromptSubmit" -> submitted(event);
            case "Stop" -> turn.phase == Phase.ANSWERING && samePrompt(event) ? settle(event) : Behaviors.same();
            case "StopFailure" -> turn.phase == Phase.ANSWERING && samePrompt(event) ? stopFailure(event) : Behaviors.same();
            case "exit" -> exited(event.argument());
            case "PreToolUse" -> toolStarting(event);
            default -> Behaviors.same(); // SessionStart: claude is up; the prompt follows by itself
        };
    }

    private Behavior<Command> toolStarting(HookInbox.Event event) {
        if (turn.phase == Phase.ANSWERING) {
            turn.request.activity().accept(dev.agenttunnel.core.fork.ToolActivity.describe(event.field("tool_name"),
                    event.payload().path("tool_input"), turn.project));
        }
        return Behaviors.same();
    }

    private Behavior<Command> submitted(HookInbox.Event event) {
        String submittedPrompt = event.field("prompt");
        boolean ours = submittedPrompt.contains(turn.marker) || turn.phase == Phase.LAUNCHING || submittedPrompt.contains("[Pasted text");
        if (!ours || turn.phase != Phase.LAUNCHING && turn.phase != Phase.SUBMITTING) {
            return Behaviors.same();
        }
        turn.promptId = event.field("prompt_id");
        turn.phase = Phase.ANSWERING;
        timers.cancel(LAUNCH_TIMER);
        timers.cancel(SUBMIT_TIMER);
        return answering();
    }

    private boolean samePrompt(HookInbox.Event event) {
        String id = event.field("prompt_id");
        return turn.promptId.isEmpty() || id.isEmpty() || id.equals(turn.promptId);
    }

    private Behavior<Command> stopFailure(HookInbox.Event event) {
        String said = event.field("last_assistant_message").strip();
        return fail("claude could not answer: " + (said.isEmpty() ? "it reported an error (" + event.field("error") + ")" : said), false);
    }

    private Behavior<Command> settle(HookInbox.Event stop) {
        turn.phase = Phase.SETTLING;
        turn.lastMessage = stop.field("last_assistant_message");
        turn.answer = new TurnAnswer(turn.marker);
        turn.settleStarted = System.nanoTime();
        return readAnswer();
    }

    private Behavior<Command> onReadAnswer(ReadAnswer read) {
        return read.turn() == turn.id ? readAnswer() : Behaviors.same();
    }

    /** Reads what claude appended to the transcript; answers once it agrees with the Stop hook, or after the limit. */
    private Behavior<Command> readAnswer() {
        TranscriptTail tail = window.transcript();
        if (tail != null) {
            try {
                tail.readNew().forEach(turn.answer::accept);
            } catch (IOException e) {
                // Unreadable for now; the settle limit decides.
            }
        }
        if (turn.answer.complete() && agrees(turn.answer.text(), turn.lastMessage)) {
            return succeed(turn.answer.text());
        }
        if (System.nanoTime() - turn.settleStarted >= SETTLE_LIMIT.toNanos()) {
            if (!turn.lastMessage.isBlank()) {
                return succeed(turn.lastMessage.strip());
            }
            return fail("claude finished the turn, but its answer could not be read from the transcript "
                    + (tail == null ? "(claude never said where it is)" : tail.file().toString()) + ".", false);
        }
        // claude writes ~0.1 s after Stop: look often at first
        timers.startSingleTimer(READ_TIMER, new ReadAnswer(turn.id), Duration.ofMillis(turn.settleReads++ < 100 ? 10 : 100));
        return settling();
    }

    /** The transcript's answer ends with the hook's last message (whitespace aside, as block joins may differ). */
    static boolean agrees(String transcriptAnswer, String lastMessage) {
        if (lastMessage == null || lastMessage.isBlank()) {
            return true;
        }
        return squash(transcriptAnswer).endsWith(squash(lastMessage));
    }

    private static String squash(String s) {
        return WHITESPACE.matcher(s).replaceAll("");
    }

    /** Pane output while claude has not started: look at the screen for a dialog that would block it. */
    private Behavior<Command> onOutputWhileLaunching() {
        hub.outputTaken(window);
        if (turn.sawHook) {
            return Behaviors.same();
        }
        return blockedEnd().orElseGet(Behaviors::same);
    }

    /** The end of the turn, when the screen shows what stops claude: a dialog, or the session to resume being gone. */
    private Optional<Behavior<Command>> blockedEnd() {
        String screen;
        try {
            screen = server.capture(windowTarget());
        } catch (TmuxException e) {
            screen = "";
        }
        Optional<String> gone = BlockingScreens.missingSession(screen);
        if (gone.isPresent()) {
            return Optional.of(sessionGone(gone.get()));
        }
        return BlockingScreens.detect(screen, turn.project).map(blocked -> fail(blocked, true));
    }

    private Behavior<Command> onLaunchTimedOut(LaunchTimedOut timedOut) {
        if (timedOut.turn() != turn.id) {
            return Behaviors.same();
        }
        String screen = screenTail();
        Optional<String> gone = BlockingScreens.missingSession(screen);
        if (gone.isPresent()) {
            return sessionGone(gone.get());
        }
        String seconds = seconds(hub.launchTimeout());
        return fail(BlockingScreens.detect(screen, turn.project).orElseGet(() -> (turn.sawHook
                ? "claude started but did not take the question within " + seconds + " s."
                : "claude did not start within " + seconds + " s (no hook event arrived; are hooks disabled in claude's settings?).")
                + (screen.isEmpty() ? "" : " Its screen ends:\n" + screen)), true);
    }

    private Behavior<Command> onSubmitNotSeen(SubmitNotSeen notSeen) {
        if (notSeen.turn() != turn.id) {
            return Behaviors.same();
        }
        if (turn.enterPresses >= ENTER_PRESSES) {
            return fail("The question was pasted into the fork's window, but claude did not take it after " + turn.enterPresses
                    + " presses of Enter. The window was closed; ask again to restart the fork with the conversation so far.", true);
        }
        turn.enterPresses++;
        timers.startSingleTimer(SUBMIT_TIMER, new SubmitNotSeen(turn.id), SUBMIT_WAIT);
        try {
            server.pressEnter(windowTarget());
        } catch (TmuxException e) {
            // The window is gone: its close notice ends the turn.
        }
        return Behaviors.same();
    }

    private Behavior<Command> onWindowClosedDuringTurn(WindowClosed closed) {
        if (window == null || !closed.windowId().equals(window.windowId())) {
            return Behaviors.same();
        }
        forgetWindow();
        // The server ends with its last window, so a killed server and the last window closed look the same here.
        return fail(closed.serverGone()
                ? "The fork's tmux window was closed before claude answered (the private tmux server `" + server.session()
                        + "` is gone too). Ask again: the next question starts it again and resumes the fork with the "
                        + "conversation so far."
                : "The fork's tmux window was closed before claude answered. Ask again: the next question restarts the fork "
                        + "with the conversation so far.", false);
    }

    private Behavior<Command> exited(String status) {
        String screen = screenTail();
        Optional<String> gone = BlockingScreens.missingSession(screen);
        if (gone.isPresent()) {
            return sessionGone(gone.get());
        }
        return fail("claude exited" + (status.isBlank() ? "" : " (code " + status + ")") + " before it answered"
                + (screen.isEmpty() ? "." : ". Its last words:\n" + screen), true);
    }

    /**
     * The backstop for an exit tmux missed: the pane-died hook normally ends the turn at once, but a tmux that lost the
     * pane's SIGCHLD never fires it. A dead pane is seen here, tmux is made to reap it (so its status and the hook can
     * still come), and if the turn still runs at the next check, it ends as claude's exit.
     */
    private Behavior<Command> onCheckPane(CheckPane check) {
        if (check.turn() != turn.id || window == null || window.windowId().isEmpty()) {
            return Behaviors.same();
        }
        Optional<TmuxServer.Window> pane;
        try {
            pane = server.windows().stream().filter(w -> w.id().equals(window.windowId())).findFirst();
        } catch (TmuxException e) {
            return Behaviors.same(); // the control client reports a server that went away
        }
        if (pane.isEmpty() || !pane.get().paneDead()) {
            return Behaviors.same(); // a closed window is reported by the control client
        }
        if (!turn.paneSeenDead) {
            turn.paneSeenDead = true;
            try {
                server.reapLostChildren();
            } catch (TmuxException e) {
                // The next check decides.
            }
            return Behaviors.same();
        }
        return exited(pane.get().exitStatus());
    }

    private Behavior<Command> onTurnTimedOut(TurnTimedOut timedOut) {
        if (timedOut.turn() != turn.id) {
            return Behaviors.same();
        }
        return fail("Timed out after " + seconds(turn.request.timeout()) + " s waiting for claude's answer. The fork's window "
                + "was closed; ask again to continue the conversation (perhaps a smaller question).", true);
    }

    private Behavior<Command> onCancel(Cancel cancel) {
        return cancel.request() == turn.request ? fail(cancel.why(), true) : Behaviors.same();
    }

    // ----- between turns, and at any time -----

    private Behavior<Command> onHookBetweenTurns(Hooked hooked) {
        if (window != null && hooked.event().token().equals(window.token)) {
            window.noteHook(hooked.event());
        }
        return Behaviors.same();
    }

    private Behavior<Command> onWindowClosedBetweenTurns(WindowClosed closed) {
        if (window != null && closed.windowId().equals(window.windowId())) {
            forgetWindow();
        }
        return Behaviors.same();
    }

    private Behavior<Command> onRelease(Release release) {
        Behavior<Command> next = turn != null ? fail(release.why(), true) : between();
        if (window != null) {
            retire();
        }
        release.replyTo().tell(Done.getInstance());
        return release.stop() ? Behaviors.stopped() : next;
    }

    private Behavior<Command> onQueryLive(QueryLive query) {
        query.replyTo().tell(window != null && !window.ended() && liveOnServer());
        return Behaviors.same();
    }

    /** Stopping or restarting: the turn (if any) is told, and the window goes with this actor. */
    private Behavior<Command> released() {
        if (turn != null) {
            fail("This thread's fork stopped unexpectedly; ask again.", true);
        } else if (window != null) {
            retire();
        }
        return Behaviors.same();
    }

    // ----- endings -----

    private Behavior<Command> succeed(String text) {
        if (turn.forkId == null) { // never the expert's id: the next turn would resume (and write to) the expert itself
            return fail("claude answered without saying which session it is, so this thread cannot continue it; ask again.", true);
        }
        context.getLog().debug("{} {}: answered after {} ms ({} ms after Stop, {} transcript reads)", windowName, turn.marker,
                turn.elapsed().toMillis(), Duration.ofNanos(System.nanoTime() - turn.settleStarted).toMillis(), turn.settleReads + 1);
        Turn done = endTurn();
        done.replyTo.tell(new TurnOutcome.Answered(done.forkId, text.strip(), dev.agenttunnel.core.fork.TurnCost.UNKNOWN, done.elapsed()));
        return between();
    }

    /**
     * Ends the turn with {@code message}; with {@code closeWindow} (the window cannot serve another turn as it is) the
     * window is gone before the failure is told, so whoever hears of it finds no window left.
     */
    private Behavior<Command> fail(String message, boolean closeWindow) {
        Turn done = endTurn();
        context.getLog().debug("{} {}: failed after {} ms: {}", windowName, done.marker, done.elapsed().toMillis(), message);
        if (closeWindow && window != null) {
            retire();
        }
        done.replyTo.tell(new TurnOutcome.Failed(message, Optional.ofNullable(done.forkId), done.elapsed()));
        return between();
    }

    /** claude has no conversation under the session it was told to resume (its transcript is gone); the window goes. */
    private Behavior<Command> sessionGone(String sessionId) {
        Turn done = endTurn();
        context.getLog().debug("{} {}: no conversation {} to resume", windowName, done.marker, sessionId);
        if (window != null) {
            retire();
        }
        done.replyTo.tell(new TurnOutcome.SessionGone(sessionId, !done.request.turn().forkSession(), done.elapsed()));
        return between();
    }

    private Turn endTurn() {
        Turn done = turn;
        turn = null;
        List.of(TURN_TIMER, LAUNCH_TIMER, SUBMIT_TIMER, READ_TIMER, PANE_TIMER).forEach(timers::cancel);
        return done;
    }

    /** Stops routing the window's events here and kills it, waiting for its claude to end. */
    private void retire() {
        ForkWindow old = window;
        forgetWindow();
        hub.kill(old);
    }

    private void forgetWindow() {
        window.end();
        hub.unregister(window);
        window = null;
    }

    /** The end of what the window shows (with some scrollback), without the lines tmux adds. */
    private String screenTail() {
        String screen;
        try {
            screen = server.capture(windowTarget(), SCREEN_LINES);
        } catch (TmuxException e) {
            return "";
        }
        String own = screen.lines()
                .filter(line -> !line.startsWith("Pane is dead"))
                .collect(java.util.stream.Collectors.joining("\n"));
        return BlockingScreens.lastLines(own, SCREEN_LINES);
    }

    /** The flags without {@code --resume <id> [--fork-session]}: what a live window must share with a turn to serve it. */
    static List<String> signature(List<String> flags) {
        int from = 0;
        if (flags.size() >= 2 && flags.getFirst().equals("--resume")) {
            from = 2;
        }
        if (from < flags.size() && flags.get(from).equals("--fork-session")) {
            from++;
        }
        return List.copyOf(flags.subList(from, flags.size()));
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }
}
