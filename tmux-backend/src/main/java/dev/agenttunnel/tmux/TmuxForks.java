package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.config.DiscordToken;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tmux backend of one daemon: the private tmux server, the {@link HookInbox} that claude's hooks report to, a
 * control-mode client that reports pane output and closed windows, trust seeding, and one {@link TmuxSession} actor
 * per conversation thread, reached through its {@link TmuxFork} ({@link #forThread}). This class is the hub that routes
 * each hook event and control notice to the session whose window it concerns; the sessions hold all turn state.
 *
 * <p>Its runtime dir ({@code <state dir>/run/tmux-<session>-<pid>}) holds the inbox FIFO, the hook script and the
 * one-shot launch scripts. Windows it launches are tagged with its pid, so a later daemon closes windows left by one
 * that died ({@link #start}), while windows of a live one (e.g. {@code serve} while {@code ask} runs) are left alone.
 * {@link #close()} ends running turns, closes this daemon's windows and removes the runtime dir; the server keeps the
 * windows of other agent-tunnel processes, and ends with the last one.
 */
public final class TmuxForks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TmuxForks.class);
    private static final int HOOK_TIMEOUT_S = 10;
    /**
     * How long a claude whose window was closed may take to exit before it is killed: it normally takes ~60 ms, but
     * claude 2.1.328 sometimes hangs in its exit (main thread gone, another still running) until killed.
     */
    private static final Duration CLAUDE_EXIT_WAIT = Duration.ofSeconds(1);
    /** PreToolUse tells what the fork is doing, for the progress line in its thread. */
    private static final List<String> HOOK_EVENTS = List.of("SessionStart", "UserPromptSubmit", "PreToolUse", "Stop", "StopFailure");
    /** Never handed to a fork: tmux's own, the terminal (tmux sets its own), and the window size of the daemon's tty. */
    private static final Set<String> NOT_FOR_FORKS = Set.of("TMUX", "TMUX_PANE", "TERM", "COLUMNS", "LINES");
    private static final Pattern RUNTIME_DIR = Pattern.compile("tmux-(.+)-(\\d+)");

    private final Settings settings;
    private final Environment env;
    private final ClaudeCommand command;
    private final TmuxServer server;
    private final Path runtimeDir;
    private final TrustSeeder trust = new TrustSeeder();
    private final ExecutorService io;
    private final ActorSystem<Void> system;
    private final AtomicLong sessions = new AtomicLong();
    private final Map<String, TmuxFork> forks = new ConcurrentHashMap<>();
    private final Map<String, ActorRef<TmuxSession.Command>> byToken = new ConcurrentHashMap<>();
    private final Map<String, Route> byPane = new ConcurrentHashMap<>();
    private final Map<String, Route> byWindowId = new ConcurrentHashMap<>();
    private final Object controlLock = new Object();
    private HookInbox inbox;
    private ControlClient control;
    private volatile boolean closing;

    private TmuxForks(Settings settings, Environment env, TmuxServer server, Path runtimeDir) {
        this.settings = settings;
        this.env = env;
        this.command = ClaudeCommand.of(settings, env);
        this.server = server;
        this.runtimeDir = runtimeDir;
        this.io = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tmux-io-", 0).factory());
        // Its own small actor system: the sessions live as long as this backend, which close() ends explicitly.
        this.system = ActorSystem.create(Behaviors.empty(), "agent-tunnel-tmux", ConfigFactory.parseString(
                "pekko.jvm-shutdown-hooks = off\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                        + "pekko.log-dead-letters-during-shutdown = off\n")
                .withFallback(ConfigFactory.load(TmuxForks.class.getClassLoader())));
    }

    /** Where a window's control notices go: its session, and whether a pane-output notice is already queued there. */
    private record Route(ActorRef<TmuxSession.Command> session, AtomicBoolean outputQueued) {
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
            forks.io.shutdown();
            forks.system.terminate();
            throw e;
        }
        forks.closeOrphanWindows();
        return forks;
    }

    /**
     * The fork of one conversation thread; the same object (and session actor) for the same thread key. When the
     * thread's handle changed since ({@code agent-tunnel rename}), its window takes the name of the new handle.
     */
    public TmuxFork forThread(String handle, String threadKey) {
        String name = WindowNames.of(handle, threadKey);
        TmuxFork fork = forks.computeIfAbsent(threadKey, key -> {
            ActorRef<TmuxSession.Command> session = system.systemActorOf(
                    // A bug in one step must not strand the thread: restart fresh (the window is closed on the way).
                    // A restart takes the window's name of now (the thread may have been renamed since).
                    Behaviors.supervise(TmuxSession.create(this, () -> java.util.Optional.ofNullable(forks.get(key))
                            .map(TmuxFork::tmuxWindow).orElse(name))).onFailure(RuntimeException.class, SupervisorStrategy.restart()),
                    "session-" + sessions.incrementAndGet(), DispatcherSelector.blocking());
            return new TmuxFork(this, name, session);
        });
        fork.rename(name);
        return fork;
    }

    /**
     * Ends the thread's turn (if one runs) with {@code why}, closes its window and stops its session; the thread is
     * forgotten here. Blocks until the window is gone.
     */
    public void forget(String threadKey, String why) {
        TmuxFork fork = forks.remove(threadKey);
        if (fork != null) {
            fork.stop(why);
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
        List<java.util.concurrent.Future<?>> stopping = new java.util.ArrayList<>();
        for (TmuxFork fork : forks.values()) { // in parallel: each waits for its claude to exit
            stopping.add(io.submit(() -> fork.stop("agent-tunnel is shutting down; this question was not answered. "
                    + "Ask again once it is back.")));
        }
        for (java.util.concurrent.Future<?> stopped : stopping) {
            try {
                stopped.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("Could not stop a fork window: {}", e.getCause().toString());
            }
        }
        forks.clear();
        system.terminate();
        synchronized (controlLock) {
            if (control != null) {
                control.close();
                control = null;
            }
        }
        inbox.close();
        io.shutdown();
        try {
            if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("tmux backend work still running 5 s after close");
            }
            system.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("The tmux backend's actors did not stop within 5 s");
        }
    }

    // ----- used by TmuxFork and TmuxSession -----

    Scheduler scheduler() {
        return system.scheduler();
    }

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

    /** Runs blocking work (tmux calls) on a virtual thread; on the caller's thread once closed. */
    private void execute(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
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
     * anything describing the daemon's own terminal or descriptors.
     */
    Map<String, String> forkEnvironment(ForkTurn turn) throws AccessRefusedException {
        Map<String, String> vars = new HashMap<>(env.variables());
        command.headless(turn, env).applyTo(vars);
        NOT_FOR_FORKS.forEach(vars::remove);
        DiscordToken.LAUNCHER_VARIABLES.forEach(vars::remove);
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

    /** The {@code hooks} of a fork's settings: they point at our inbox, tagged with the launch's token. */
    ObjectNode hookSettings(String token) {
        ObjectNode hooks = JsonTrees.nodes().objectNode();
        for (String event : HOOK_EVENTS) {
            ArrayNode matchers = hooks.putArray(event);
            ArrayNode commands = matchers.addObject().putArray("hooks");
            commands.addObject().put("type", "command").put("command", inbox.hookCommand(token, event)).put("timeout", HOOK_TIMEOUT_S);
        }
        return hooks;
    }

    Environment environment() {
        return env;
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

    /** Routes the hook events of {@code window} (by its launch token) to {@code session}. */
    void register(ForkWindow window, ActorRef<TmuxSession.Command> session) {
        byToken.put(window.token, session);
    }

    /**
     * Routes the new window's control notices to {@code session}, tags the window as ours, and hooks its
     * {@code pane-died} to the inbox; a claude that ended before the hook was set is reported at once.
     */
    void placed(ForkWindow window, TmuxServer.Window placed, ActorRef<TmuxSession.Command> session) throws TmuxException {
        window.placed(placed);
        Route route = new Route(session, new AtomicBoolean());
        byPane.put(placed.paneId(), route);
        byWindowId.put(placed.id(), route);
        server.setWindowOption(placed.id(), TmuxServer.OWNER_OPTION, String.valueOf(ProcessHandle.current().pid()));
        server.setWindowHook(placed.id(), "pane-died", inbox.exitNotice(window.token));
        server.windows().stream().filter(w -> w.id().equals(placed.id()) && w.paneDead()).findFirst().ifPresent(dead -> session.tell(
                new TmuxSession.Hooked(new HookInbox.Event(window.token, "exit", JsonTrees.nodes().missingNode(), dead.exitStatus()))));
    }

    /** The session is about to look at {@code window}'s screen: later output queues a new notice. */
    void outputTaken(ForkWindow window) {
        Route route = byPane.get(window.paneId());
        if (route != null) {
            route.outputQueued().set(false);
        }
    }

    void unregister(ForkWindow window) {
        byToken.remove(window.token);
        byPane.remove(window.paneId());
        byWindowId.remove(window.windowId());
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
        ActorRef<TmuxSession.Command> session = byToken.get(event.token());
        if (session != null) {
            session.tell(new TmuxSession.Hooked(event));
        }
    }

    /** Routes the control client's notifications to the windows they concern. */
    private final class ControlEvents implements ControlClient.Listener {
        @Override
        public void output(String paneId) {
            Route route = byPane.get(paneId);
            if (route != null && route.outputQueued().compareAndSet(false, true)) {
                route.session().tell(TmuxSession.PaneOutput.INSTANCE);
            }
        }

        @Override
        public void windowClosed(String windowId) {
            Route route = byWindowId.get(windowId);
            if (route != null) {
                route.session().tell(new TmuxSession.WindowClosed(windowId, false));
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
        for (Map.Entry<String, Route> window : List.copyOf(byWindowId.entrySet())) {
            if (!ids.contains(window.getKey())) {
                window.getValue().session().tell(new TmuxSession.WindowClosed(window.getKey(), !running));
            }
        }
        if (running && !byWindowId.isEmpty()) {
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
