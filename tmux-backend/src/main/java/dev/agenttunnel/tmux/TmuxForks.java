package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tmux backend of one daemon: the private tmux server, the {@link HookInbox} that claude's hooks report to, a
 * control-mode client that reports pane output and closed windows, trust seeding, and one {@link TmuxFork} per
 * conversation thread ({@link #forThread}).
 *
 * <p>Its runtime dir ({@code <state dir>/run/tmux-<session>-<pid>}) holds the inbox FIFO, the hook script and the
 * one-shot launch scripts. Windows it launches are tagged with its pid, so a later daemon closes windows left by one
 * that died ({@link #start}), while windows of a live one (e.g. {@code serve} while {@code ask} runs) are left alone.
 * {@link #close()} ends running turns, closes this daemon's windows and removes the runtime dir; the server itself and
 * its first (shell) window stay for {@code watch}.
 */
public final class TmuxForks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TmuxForks.class);
    private static final int HOOK_TIMEOUT_S = 10;
    /**
     * How long a claude whose window was closed may take to exit before it is killed: it normally takes ~60 ms, but
     * claude 2.1.328 sometimes hangs in its exit (main thread gone, another still running) until killed.
     */
    private static final Duration CLAUDE_EXIT_WAIT = Duration.ofSeconds(1);
    private static final List<String> HOOK_EVENTS = List.of("SessionStart", "UserPromptSubmit", "Stop", "StopFailure");
    /** Never handed to a fork: tmux's own, the terminal (tmux sets its own), and the window size of the daemon's tty. */
    private static final Set<String> NOT_FOR_FORKS = Set.of("TMUX", "TMUX_PANE", "TERM", "COLUMNS", "LINES");
    private static final Pattern RUNTIME_DIR = Pattern.compile("tmux-(.+)-(\\d+)");

    private final Settings settings;
    private final Environment env;
    private final ClaudeCommand command;
    private final TmuxServer server;
    private final Path runtimeDir;
    private final TrustSeeder trust = new TrustSeeder();
    private final ScheduledExecutorService timers;
    private final ExecutorService io;
    private final Map<String, TmuxFork> forks = new ConcurrentHashMap<>();
    private final Map<String, ForkWindow> byToken = new ConcurrentHashMap<>();
    private final Map<String, ForkWindow> byPane = new ConcurrentHashMap<>();
    private final Map<String, ForkWindow> byWindowId = new ConcurrentHashMap<>();
    private final Object controlLock = new Object();
    private HookInbox inbox;
    private ControlClient control;
    private volatile boolean closing;

    private TmuxForks(Settings settings, Environment env, TmuxServer server, Path runtimeDir) {
        this.settings = settings;
        this.env = env;
        this.command = new ClaudeCommand(settings.claude(), settings.tunnel().platform());
        this.server = server;
        this.runtimeDir = runtimeDir;
        ScheduledThreadPoolExecutor timerThread = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("tmux-timers").factory());
        timerThread.setRemoveOnCancelPolicy(true); // each turn cancels its timeout; don't keep it queued for minutes
        this.timers = timerThread;
        this.io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tmux-io-", 0).factory());
    }

    /** Starts the backend with its runtime dir under the state dir; tmux must be on {@code env}'s PATH. */
    public static TmuxForks start(Settings settings, Environment env) throws IOException {
        String session = settings.tunnel().tmuxSession();
        Path runDir = settings.tunnel().stateDir().resolve("run");
        removeStaleRuntimeDirs(runDir, session);
        return start(settings, env, runDir.resolve("tmux-" + session + "-" + ProcessHandle.current().pid()));
    }

    /** Starts the backend with an explicit runtime dir (which it owns and deletes on close). */
    public static TmuxForks start(Settings settings, Environment env, Path runtimeDir) throws IOException {
        TmuxServer server = new TmuxServer(settings.tunnel().tmuxSession(), env);
        TmuxForks forks = new TmuxForks(settings, env, server, runtimeDir);
        try {
            forks.inbox = HookInbox.open(runtimeDir, forks::onHook);
        } catch (IOException | RuntimeException e) {
            forks.timers.shutdownNow();
            forks.io.shutdown();
            throw e;
        }
        forks.closeOrphanWindows();
        return forks;
    }

    /** The fork of one conversation thread; the same object for the same thread key. */
    public TmuxFork forThread(String handle, String threadKey) {
        return forks.computeIfAbsent(threadKey, key -> new TmuxFork(this, handle, key));
    }

    /** Ends the thread's turn (if one runs) with {@code why} and closes its window; the thread is forgotten here. */
    public void forget(String threadKey, String why) {
        TmuxFork fork = forks.remove(threadKey);
        if (fork != null) {
            fork.release(why);
        }
    }

    /**
     * Closes the thread's window because it sat idle (the caller makes sure no turn runs); the thread and its fork
     * stay known, so its next turn resumes the fork cold. Returns whether a live window was closed.
     */
    public boolean reap(String threadKey) {
        TmuxFork fork = forks.get(threadKey);
        if (fork == null || !fork.hasLiveWindow()) {
            return false;
        }
        fork.release("The fork's window was closed after sitting idle.");
        return true;
    }

    public TmuxServer server() {
        return server;
    }

    /** Ends running turns with a shutdown notice, closes this daemon's windows, stops listening. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        forks.values().forEach(fork -> fork.release("agent-tunnel is shutting down; this question was not answered. "
                + "Ask again once it is back."));
        byToken.values().forEach(this::kill);
        synchronized (controlLock) {
            if (control != null) {
                control.close();
                control = null;
            }
        }
        inbox.close();
        timers.shutdownNow();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("tmux backend work still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ----- used by TmuxFork and TmuxTurn -----

    ClaudeCommand command() {
        return command;
    }

    HookInbox inbox() {
        return inbox;
    }

    Path runtimeDir() {
        return runtimeDir;
    }

    Duration launchTimeout() {
        return settings.limits().launchTimeout();
    }

    List<String> extraArgs() {
        return settings.claude().tmuxExtraArgs();
    }

    boolean closing() {
        return closing;
    }

    /** Runs blocking work (tmux calls, file reads) on a virtual thread; on the caller's thread once closed. */
    void execute(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Runs {@code task} after {@code delay}, as {@link #execute} does; never once closed. */
    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        try {
            return timers.schedule(() -> execute(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CancelledTimer.INSTANCE;
        }
    }

    /** What {@link #schedule} returns once closed: a timer that was cancelled before it was set. */
    private static final class CancelledTimer implements ScheduledFuture<Object> {
        static final CancelledTimer INSTANCE = new CancelledTimer();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return true;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            throw new java.util.concurrent.CancellationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new java.util.concurrent.CancellationException();
        }
    }

    /** The configured claude binary, resolved on the PATH we were given. */
    Path claudeBinary() throws IOException {
        String binary = settings.claude().binary();
        return Executables.find(binary, env).orElseThrow(() -> new IOException("Could not run claude (`" + binary + "`): "
                + (binary.contains("/") ? "no executable file there" : "not found on PATH")
                + ". Install Claude Code, or set `binary` under [claude] in config.toml to its full path."));
    }

    /**
     * The fork's complete environment: ours, with claude's per-fork changes ({@code CLAUDE_CONFIG_DIR} only for a
     * non-default config dir, API keys stripped unless {@code unset_api_key = false}), and without the bot token or
     * anything describing the daemon's own terminal.
     */
    Map<String, String> forkEnvironment(ForkTurn turn) throws AccessRefusedException {
        Map<String, String> vars = new HashMap<>(env.variables());
        command.headless(turn, env).applyTo(vars);
        NOT_FOR_FORKS.forEach(vars::remove);
        if (!settings.discord().tokenEnv().isBlank()) {
            vars.remove(settings.discord().tokenEnv());
        }
        return vars;
    }

    /** Pre-trusts {@code project} in the state file the fork will read, when {@code auto_trust} is on; best effort. */
    void seedTrust(Map<String, String> forkEnv, Path project) {
        if (!settings.claude().autoTrust()) {
            return;
        }
        Path stateFile = TrustSeeder.stateFile(settings.claude().trustConfigPath(), forkEnv, env);
        try {
            TrustSeeder.Result result = trust.seed(stateFile, project);
            if (result == TrustSeeder.Result.SKIPPED) {
                LOG.warn("Did not pre-trust {}: {} is not a JSON object claude wrote; leaving it alone", project, stateFile);
            }
        } catch (IOException e) {
            LOG.warn("Could not pre-trust {} in {}: {}", project, stateFile, e.getMessage());
        }
    }

    /** The {@code --settings} JSON that points the fork's hooks at our inbox, tagged with the launch's token. */
    String hookSettings(String token) {
        ObjectNode root = JsonTrees.nodes().objectNode();
        ObjectNode hooks = root.putObject("hooks");
        for (String event : HOOK_EVENTS) {
            ArrayNode matchers = hooks.putArray(event);
            ArrayNode commands = matchers.addObject().putArray("hooks");
            commands.addObject().put("type", "command").put("command", inbox.hookCommand(token, event)).put("timeout", HOOK_TIMEOUT_S);
        }
        try {
            return JsonTrees.compact(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write hook settings", e);
        }
    }

    /** Attaches the control client if none runs; without one, turns still end by hooks, exit notices and timeouts. */
    void ensureControl() {
        synchronized (controlLock) {
            if (closing || control != null && control.isAlive()) {
                return;
            }
            try {
                control = server.attachControl(new ControlEvents());
            } catch (TmuxException e) {
                control = null;
                LOG.warn("No tmux control client ({}); blocking screens are found only at the launch timeout", e.getMessage());
            }
        }
    }

    void register(ForkWindow window) {
        byToken.put(window.token, window);
    }

    /**
     * Routes the new window's control events to {@code window}, tags it as ours, and hooks its {@code pane-died} to
     * the inbox; a claude that ended before the hook was set is reported at once.
     */
    void placed(ForkWindow window, TmuxServer.Window placed) throws TmuxException {
        window.placed(placed);
        byPane.put(placed.paneId(), window);
        byWindowId.put(placed.id(), window);
        server.setWindowOption(placed.id(), TmuxServer.OWNER_OPTION, String.valueOf(ProcessHandle.current().pid()));
        server.setWindowHook(placed.id(), "pane-died", inbox.exitNotice(window.token));
        server.windows().stream().filter(w -> w.id().equals(placed.id()) && w.paneDead()).findFirst().ifPresent(dead ->
                window.hook(new HookInbox.Event(window.token, "exit", JsonTrees.nodes().missingNode(), dead.exitStatus())));
    }

    void unregister(ForkWindow window) {
        byToken.remove(window.token, window);
        byPane.remove(window.paneId(), window);
        byWindowId.remove(window.windowId(), window);
    }

    /**
     * Kills the window of {@code window} (by id when known; a window already gone is fine) and waits for its claude to
     * end — it gets the window's SIGHUP and exits within tens of milliseconds, still writing its state files — so no
     * claude outlives its window and no relaunch resumes a fork its old claude still writes to.
     */
    void kill(ForkWindow window) {
        try {
            if (!window.windowId().isEmpty()) {
                server.killWindowById(window.windowId());
            } else {
                server.killWindow(window.name);
            }
        } catch (TmuxException e) {
            LOG.debug("Could not kill window {}: {}", window.name, e.getMessage());
        }
        window.claude().ifPresent(claude -> {
            try {
                claude.onExit().get(CLAUDE_EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.info("claude (pid {}) still ran {} ms after its window {} was closed; killing it", claude.pid(),
                        CLAUDE_EXIT_WAIT.toMillis(), window.name);
                claude.destroyForcibly();
            } catch (java.util.concurrent.ExecutionException e) {
                // it ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void onHook(HookInbox.Event event) {
        ForkWindow window = byToken.get(event.token());
        if (window != null) {
            window.hook(event);
        }
    }

    /** Routes the control client's notifications to the windows they concern. */
    private final class ControlEvents implements ControlClient.Listener {
        @Override
        public void output(String paneId) {
            ForkWindow window = byPane.get(paneId);
            if (window != null) {
                window.output();
            }
        }

        @Override
        public void windowClosed(String windowId) {
            ForkWindow window = byWindowId.get(windowId);
            if (window != null) {
                window.closed(false);
            }
        }

        @Override
        public void ended(String reason) {
            if (!closing) {
                execute(() -> controlEnded(reason));
            }
        }
    }

    /** The control client ended: if the server is gone, so is every window; else re-attach and check ours. */
    private void controlEnded(String reason) {
        synchronized (controlLock) {
            if (control != null && !control.isAlive()) {
                control = null;
            }
        }
        boolean running;
        List<TmuxServer.Window> present;
        try {
            running = server.hasSession();
            present = running ? server.windows() : List.of();
        } catch (TmuxException e) {
            running = false;
            present = List.of();
        }
        LOG.info("tmux control client ended ({}); server {}", reason, running ? "still running" : "gone");
        Set<String> ids = new java.util.HashSet<>();
        present.forEach(w -> ids.add(w.id()));
        for (ForkWindow window : List.copyOf(byToken.values())) {
            if (!window.windowId().isEmpty() && !ids.contains(window.windowId())) {
                window.closed(!running);
            }
        }
        if (running && !byToken.isEmpty()) {
            ensureControl();
        }
    }

    /** Closes windows launched by an agent-tunnel process that no longer runs: their hooks report to nobody. */
    private void closeOrphanWindows() {
        try {
            for (TmuxServer.Window window : server.windows()) {
                if (!window.owner().isEmpty() && !pidAlive(window.owner())) {
                    server.killWindowById(window.id());
                    LOG.info("Closed window {} left by agent-tunnel process {}", window.name(), window.owner());
                }
            }
        } catch (TmuxException e) {
            LOG.debug("Could not look for orphan windows: {}", e.getMessage());
        }
    }

    private static void removeStaleRuntimeDirs(Path runDir, String session) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(runDir)) {
            dirs.forEach(dir -> {
                Matcher m = RUNTIME_DIR.matcher(dir.getFileName().toString());
                if (m.matches() && m.group(1).equals(session) && !pidAlive(m.group(2))) {
                    HookInbox.deleteTree(dir);
                }
            });
        } catch (IOException e) {
            LOG.debug("Could not clean {}: {}", runDir, e.getMessage());
        }
    }

    private static boolean pidAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
