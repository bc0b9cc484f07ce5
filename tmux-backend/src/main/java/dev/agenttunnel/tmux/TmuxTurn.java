package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.fork.RunningTurn;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question to a fork in tmux, from launch or paste to answer, driven by events only.
 *
 * <ul>
 *   <li><b>Cold</b> (no window, or one that cannot continue): a new window runs {@code claude --resume … -- "<prompt>"}
 *       and claude submits the prompt itself once it is ready — no keystroke timing. Until claude's first hook event
 *       arrives, each burst of pane output (pushed by the control client) triggers one look at the screen for a
 *       dialog that would block it (trust, API key, first-run setup); the launch timeout is the backstop.</li>
 *   <li><b>Warm</b> (the thread's window is alive, idle, and runs the same fork with the same flags): the prompt is
 *       pasted as one bracketed paste and Enter pressed; the {@code UserPromptSubmit} hook proves the turn started,
 *       else Enter is pressed again, a bounded number of times.</li>
 *   <li><b>Answer</b>: the {@code Stop} hook says the turn ended; the whole answer is then read from the transcript
 *       after the entry carrying this turn's {@code [ref:…]} marker. claude writes the transcript in batches ~0.1 s
 *       after the hook, so the tail is re-read briefly until it agrees with the hook's {@code last_assistant_message}.
 *       {@code StopFailure} (API errors, not logged in) ends the turn with claude's own words.</li>
 *   <li><b>Failure</b>: claude exiting, the window or the server going away, a blocking screen, a cancel or the
 *       timeout each end the turn with one clear message; the fork id, once known, is kept so the next turn resumes
 *       the conversation.</li>
 * </ul>
 * All state is guarded by {@code this}; events arrive on the inbox, control-client and timer threads.
 */
final class TmuxTurn implements RunningTurn {
    private static final Logger LOG = LoggerFactory.getLogger(TmuxTurn.class);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final Duration SUBMIT_WAIT = Duration.ofSeconds(3);
    static final int ENTER_PRESSES = 3;
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(5);
    private static final int SCREEN_LINES = 15;

    private enum Phase { PREPARING, LAUNCHING, SUBMITTING, ANSWERING, SETTLING, DONE }

    private final TmuxFork fork;
    private final TmuxForks hub;
    private final TurnRequest request;
    private final String marker;
    private final String prompt;
    private final long started = System.nanoTime();
    private final CompletableFuture<TurnOutcome> outcome = new CompletableFuture<>();
    private volatile boolean ended;

    private Phase phase = Phase.PREPARING;
    private ForkWindow window;
    private Path project;
    private String forkId;
    private String promptId = "";
    private boolean sawHook;
    private int enterPresses;
    private boolean screenCheckRunning;
    private boolean screenCheckAgain;
    private TurnAnswer answer;
    private String lastMessage = "";
    private long settleStarted;
    private int settleReads;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private ScheduledFuture<?> launchTimer;
    private ScheduledFuture<?> submitTimer;

    TmuxTurn(TmuxFork fork, TmuxForks hub, TurnRequest request) {
        this.fork = fork;
        this.hub = hub;
        this.request = request;
        this.marker = "[ref:" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "]";
        this.prompt = marker + " " + request.question();
        this.forkId = request.turn().forkSession() ? null : request.turn().resumeId();
    }

    @Override
    public CompletionStage<TurnOutcome> outcome() {
        return outcome.minimalCompletionStage();
    }

    @Override
    public void cancel(String why) {
        fail(why, true);
    }

    /** The turn has ended (its outcome may still be completing, after its window is closed). */
    boolean isDone() {
        return ended;
    }

    /** Runs on an I/O thread: prepares the command line, then continues the warm window or launches a new one. */
    void begin() {
        synchronized (this) {
            timers.add(hub.schedule(request.timeout(), this::timedOut));
        }
        try {
            List<String> flags = hub.command().flags(request.turn());
            project = CanonicalPaths.canonical(request.turn().projectDir());
            if (!Files.isDirectory(project)) {
                fail("The published session's project folder " + project + " no longer exists, so its fork cannot start. "
                        + "The owner can re-share the session from its new place.", false);
                return;
            }
            List<String> signature = signature(flags);
            Optional<ForkWindow> warm = fork.warmWindow(request.turn(), signature);
            if (warm.isPresent() && submitWarm(warm.get())) {
                return;
            }
            launch(flags, signature);
        } catch (AccessRefusedException e) {
            fail(e.getMessage(), false);
        } catch (TmuxException e) {
            fail("Could not start the fork in tmux: " + e.getMessage(), true);
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage() == null ? "Could not start the fork: " + e : e.getMessage(), true);
        }
    }

    private void launch(List<String> flags, List<String> signature) throws IOException, AccessRefusedException {
        if (isDone()) {
            return; // cancelled while it was being prepared: start nothing
        }
        java.util.Map<String, String> forkEnv = hub.forkEnvironment(request.turn());
        Path claude = hub.claudeBinary();
        hub.seedTrust(forkEnv, project);
        // Every --add-dir folder (the thread's uploads) needs trust too, or interactive claude asks about it first.
        for (Path dir : request.turn().addDirs()) {
            hub.seedTrust(forkEnv, dev.agenttunnel.core.files.CanonicalPaths.canonical(dir));
        }
        hub.server().ensureSession();
        hub.ensureControl();
        String token = HexFormat.of().toHexDigits(RANDOM.nextLong());
        List<String> argv = new ArrayList<>();
        argv.add(claude.toString());
        argv.addAll(flags);
        argv.addAll(hub.extraArgs());
        argv.addAll(List.of("--settings", hub.hookSettings(token), "--", prompt));
        ForkWindow launched = new ForkWindow(token, fork.windowName(), signature, forkId);
        synchronized (this) {
            if (isDone()) {
                return;
            }
            window = launched;
            phase = Phase.LAUNCHING;
            launchTimer = hub.schedule(hub.launchTimeout(), this::launchTimedOut);
            timers.add(launchTimer);
        }
        launched.serve(this);
        fork.adopt(launched);
        hub.register(launched);
        hub.server().killWindow(launched.name); // one left by an earlier launch of this thread (e.g. before a restart)
        List<String> command = LaunchScript.write(hub.runtimeDir(), token, forkEnv, argv, hub.server().terminal());
        TmuxServer.Window placed = hub.server().newWindow(launched.name, project, command);
        hub.placed(launched, placed);
        LOG.debug("{} {}: launched {} in window {} after {} ms", fork.windowName(), marker,
                forkId == null ? "a fork of " + request.turn().resumeId() : "fork " + forkId, placed.id(), elapsed().toMillis());
        if (isDone()) {
            fork.retire(launched); // cancelled while the window was being made
            return;
        }
        output(); // a dialog drawn before the pane's id was known produces no further output: look once now
    }

    /** Pastes the prompt into the live window and presses Enter; false when the window turned out to be gone. */
    private boolean submitWarm(ForkWindow live) {
        synchronized (this) {
            if (isDone()) {
                return true;
            }
            window = live;
            phase = Phase.SUBMITTING;
            forkId = live.forkId();
        }
        live.serve(this);
        try {
            hub.server().paste(live.name, prompt);
            hub.server().pressEnter(live.name);
        } catch (TmuxException e) {
            live.serve(null);
            fork.retire(live);
            synchronized (this) {
                phase = Phase.PREPARING;
                window = null;
            }
            return false;
        }
        LOG.debug("{} {}: pasted into the live window after {} ms", fork.windowName(), marker, elapsed().toMillis());
        synchronized (this) {
            enterPresses = 1;
            if (phase == Phase.SUBMITTING) {
                submitTimer = hub.schedule(SUBMIT_WAIT, this::submitNotSeen);
                timers.add(submitTimer);
            }
        }
        return true;
    }

    /** A hook event (or the exit notice of the window's pane-died hook) from this turn's window. */
    synchronized void hook(HookInbox.Event event) {
        if (isDone()) {
            return;
        }
        sawHook = true;
        LOG.debug("{} {}: {} {} after {} ms", fork.windowName(), marker, event.name(), event.argument(), elapsed().toMillis());
        if (!event.field("session_id").isEmpty()) {
            forkId = event.field("session_id");
        }
        switch (event.name()) {
            case "UserPromptSubmit" -> submitted(event);
            case "Stop" -> {
                if (phase == Phase.ANSWERING && samePrompt(event)) {
                    settle(event);
                }
            }
            case "StopFailure" -> {
                if (phase == Phase.ANSWERING && samePrompt(event)) {
                    String said = event.field("last_assistant_message").strip();
                    fail("claude could not answer: " + (said.isEmpty() ? "it reported an error (" + event.field("error") + ")" : said),
                            false);
                }
            }
            case "exit" -> exited(event.argument());
            default -> {
                // SessionStart: claude is up; the fork id is noted above and the prompt follows by itself.
            }
        }
    }

    private void submitted(HookInbox.Event event) {
        String submittedPrompt = event.field("prompt");
        boolean ours = submittedPrompt.contains(marker) || phase == Phase.LAUNCHING
                || submittedPrompt.contains("[Pasted text");
        if (!ours || (phase != Phase.LAUNCHING && phase != Phase.SUBMITTING)) {
            return;
        }
        promptId = event.field("prompt_id");
        phase = Phase.ANSWERING;
        cancel(launchTimer);
        cancel(submitTimer);
    }

    private boolean samePrompt(HookInbox.Event event) {
        String id = event.field("prompt_id");
        return promptId.isEmpty() || id.isEmpty() || id.equals(promptId);
    }

    private void settle(HookInbox.Event stop) {
        phase = Phase.SETTLING;
        lastMessage = stop.field("last_assistant_message");
        answer = new TurnAnswer(marker);
        settleStarted = System.nanoTime();
        hub.execute(this::readAnswer);
    }

    /** Reads what claude appended to the transcript; answers once it agrees with the Stop hook, or after the limit. */
    private void readAnswer() {
        ForkWindow current;
        synchronized (this) {
            if (isDone()) {
                return;
            }
            current = window;
        }
        TranscriptTail tail = current.transcript();
        List<JsonNode> entries = List.of();
        if (tail != null) {
            try {
                entries = tail.readNew();
            } catch (IOException e) {
                // Unreadable for now; the settle limit decides.
            }
        }
        synchronized (this) {
            if (isDone()) {
                return;
            }
            entries.forEach(answer::accept);
            if (answer.complete() && agrees(answer.text(), lastMessage)) {
                succeed(answer.text());
                return;
            }
            if (System.nanoTime() - settleStarted >= SETTLE_LIMIT.toNanos()) {
                if (!lastMessage.isBlank()) {
                    succeed(lastMessage.strip());
                } else {
                    fail("claude finished the turn, but its answer could not be read from the transcript "
                            + (tail == null ? "(claude never said where it is)" : tail.file().toString()) + ".", false);
                }
                return;
            }
            Duration next = Duration.ofMillis(settleReads++ < 100 ? 10 : 100); // claude writes ~0.1 s after Stop: look often
            timers.add(hub.schedule(next, this::readAnswer));
        }
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

    /** Pane output while claude has not started: look at the screen (one look at a time, again if more came). */
    void output() {
        synchronized (this) {
            if (isDone() || sawHook || phase != Phase.LAUNCHING) {
                return;
            }
            if (screenCheckRunning) {
                screenCheckAgain = true;
                return;
            }
            screenCheckRunning = true;
        }
        hub.execute(this::checkScreen);
    }

    private void checkScreen() {
        while (true) {
            String screen;
            try {
                screen = hub.server().capture(fork.windowName());
            } catch (TmuxException e) {
                screen = "";
            }
            Optional<String> blocked = BlockingScreens.detect(screen, project);
            synchronized (this) {
                if (isDone() || sawHook) {
                    screenCheckRunning = false;
                    return;
                }
                if (blocked.isPresent()) {
                    screenCheckRunning = false;
                    fail(blocked.get(), true);
                    return;
                }
                if (!screenCheckAgain) {
                    screenCheckRunning = false;
                    return;
                }
                screenCheckAgain = false;
            }
        }
    }

    synchronized void windowClosed(boolean serverGone) {
        if (isDone()) {
            return;
        }
        fork.forget(window);
        fail(serverGone
                ? "The private tmux server `" + hub.server().session() + "` stopped before claude answered. Ask again: "
                        + "the next question starts it again and resumes the fork with the conversation so far."
                : "The fork's tmux window was closed before claude answered. Ask again: the next question restarts the "
                        + "fork with the conversation so far.", false);
    }

    private void exited(String status) {
        String screen = screenTail();
        fail("claude exited" + (status.isBlank() ? "" : " (code " + status + ")") + " before it answered"
                + (screen.isEmpty() ? "." : ". Its last words:\n" + screen), true);
    }

    private void launchTimedOut() {
        synchronized (this) {
            if (isDone() || phase != Phase.LAUNCHING) {
                return;
            }
        }
        String screen = screenTail();
        Optional<String> blocked = BlockingScreens.detect(screen, project);
        synchronized (this) {
            if (isDone() || phase != Phase.LAUNCHING) {
                return;
            }
            fail(blocked.orElseGet(() -> (sawHook
                    ? "claude started but did not take the question within " + seconds(hub.launchTimeout()) + " s."
                    : "claude did not start within " + seconds(hub.launchTimeout()) + " s (no hook event arrived; are hooks "
                            + "disabled in claude's settings?).")
                    + (screen.isEmpty() ? "" : " Its screen ends:\n" + screen)), true);
        }
    }

    private void submitNotSeen() {
        synchronized (this) {
            if (isDone() || phase != Phase.SUBMITTING) {
                return;
            }
            if (enterPresses >= ENTER_PRESSES) {
                fail("The question was pasted into the fork's window, but claude did not take it after " + enterPresses
                        + " presses of Enter. The window was closed; ask again to restart the fork with the conversation so far.",
                        true);
                return;
            }
            enterPresses++;
            submitTimer = hub.schedule(SUBMIT_WAIT, this::submitNotSeen);
            timers.add(submitTimer);
        }
        try {
            hub.server().pressEnter(fork.windowName());
        } catch (TmuxException e) {
            // The window is gone: its close event ends the turn.
        }
    }

    private void timedOut() {
        fail("Timed out after " + seconds(request.timeout()) + " s waiting for claude's answer. The fork's window was "
                + "closed; ask again to continue the conversation (perhaps a smaller question).", true);
    }

    /** The end of what the window shows (with some scrollback), without the lines our launch script and tmux add. */
    private String screenTail() {
        String screen;
        try {
            screen = hub.server().capture(fork.windowName(), SCREEN_LINES);
        } catch (TmuxException e) {
            return "";
        }
        String own = screen.lines()
                .filter(line -> !line.startsWith("Pane is dead"))
                .collect(java.util.stream.Collectors.joining("\n"));
        return BlockingScreens.lastLines(own, SCREEN_LINES);
    }

    private synchronized void succeed(String text) {
        if (isDone()) {
            return;
        }
        if (forkId == null) { // never the expert's id: the next turn would resume (and write to) the expert itself
            fail("claude answered without saying which session it is, so this thread cannot continue it; ask again.", true);
            return;
        }
        finish();
        LOG.debug("{} {}: answered after {} ms ({} ms after Stop, {} transcript reads)", fork.windowName(), marker,
                elapsed().toMillis(), Duration.ofNanos(System.nanoTime() - settleStarted).toMillis(), settleReads + 1);
        outcome.complete(new TurnOutcome.Answered(forkId, text.strip(), 0.0, elapsed()));
    }

    /**
     * Ends the turn with {@code message}; with {@code closeWindow} (the window cannot serve another turn as it is) the
     * outcome completes once the window is gone, so whoever hears of the failure finds no window left.
     */
    private void fail(String message, boolean closeWindow) {
        ForkWindow current;
        TurnOutcome failed;
        synchronized (this) {
            if (isDone()) {
                return;
            }
            current = window;
            finish();
            failed = new TurnOutcome.Failed(message, Optional.ofNullable(forkId), elapsed());
        }
        LOG.debug("{} {}: failed after {} ms: {}", fork.windowName(), marker, failed.elapsed().toMillis(), message);
        if (closeWindow && current != null) {
            hub.execute(() -> {
                try {
                    fork.retire(current);
                } finally {
                    outcome.complete(failed);
                }
            });
        } else {
            outcome.complete(failed);
        }
    }

    private void finish() {
        ended = true;
        phase = Phase.DONE;
        timers.forEach(timer -> timer.cancel(false));
        timers.clear();
        if (window != null && window.serving(this)) {
            window.serve(null);
        }
        fork.finished(this);
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
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
