package dev.agenttunnel.tmux;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The private tmux server that holds the interactive forks: {@code tmux -L <socket>}, with one session of the same
 * name ({@code [tunnel] tmux_session}, default {@code agent-tunnel}) and one window per fork.
 *
 * <p>Every call names the socket, so the owner's own tmux server is never touched, and targets are exact
 * ({@code =session:=window}), so a window called {@code h-1} is never mistaken for {@code h-12}. tmux runs with the
 * {@link Environment} handed in (never this JVM's by accident); a server started here inherits it. Calls block for
 * the few milliseconds a tmux client takes and throw {@link TmuxException} with tmux's own words.
 *
 * <p>The session holds fork windows only: the server starts with the first fork's window ({@link #newWindow}), with
 * no shell window of its own, and it ends when the last window closes; a server that was killed underneath is started
 * again by the next {@link #newWindow}. A window is targeted by its exact name or by tmux's id for it ({@code @3});
 * a fork addresses its own window by id, which stays the same when the window is renamed.
 */
public final class TmuxServer {
    /**
     * Size of the session (and so of its windows) while nobody is attached: wide enough that claude's screens and
     * dialogs are not wrapped. (Setting {@code default-size} as well makes tmux drop a new window's first line.)
     */
    static final String DEFAULT_SIZE_X = "200";
    static final String DEFAULT_SIZE_Y = "50";
    /** The window option that marks a window as a fork launched by the agent-tunnel process with this pid. */
    public static final String OWNER_OPTION = "@agent-tunnel-pid";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final String FIELD = "\t";

    private final String session;
    private final Path tmux;
    private final Map<String, String> clientEnv;

    /**
     * A window of the server: its name, tmux's ids for it and its pane, whether the pane's program ended (and its exit
     * status then), the pane's process, and the agent-tunnel process that launched it ({@link #OWNER_OPTION}, or empty).
     */
    public record Window(String name, String id, String paneId, boolean paneDead, String exitStatus, long panePid, String owner) {
    }

    /** Finds {@code tmux} on the PATH of {@code env}; throws when it is not installed there. */
    public TmuxServer(String session, Environment env) throws TmuxException {
        this(session, Executables.find("tmux", env).orElseThrow(() -> new TmuxException(
                "tmux is not installed (not found on PATH=" + env.get("PATH").orElse("") + "). The tmux backend needs "
                        + "tmux 3.x; install it, or use `backend = \"headless\"` under [tunnel].")), env);
    }

    public TmuxServer(String session, Path tmux, Environment env) {
        if (session.isBlank() || session.contains(":") || session.contains(".")) {
            throw new IllegalArgumentException("a tmux session name must be non-empty, without ':' or '.': " + session);
        }
        this.session = session;
        this.tmux = tmux;
        Map<String, String> vars = new HashMap<>(env.variables());
        // Inside the owner's tmux these point at their server; the private one is named by -L alone.
        vars.remove("TMUX");
        vars.remove("TMUX_PANE");
        this.clientEnv = Map.copyOf(vars);
    }

    /** The tmux executable this talks to (e.g. for a command that hands the terminal to {@code tmux attach}). */
    public Path tmuxBinary() {
        return tmux;
    }

    /** The socket name ({@code -L}), which is also the session name. */
    public String session() {
        return session;
    }

    /** The exact target of a window of our session, by name; a window id ({@code @3}) is its own target. */
    public String target(String window) {
        return window.startsWith("@") ? window : "=" + session + ":=" + window;
    }

    /** Whether the server runs and has our session. */
    public boolean hasSession() throws TmuxException {
        return call(null, "has-session", "-t", "=" + session).exit() == 0;
    }


    /**
     * The {@code TERM} tmux gives the programs in its panes ({@code default-terminal}). Asked of a server started for
     * the question when none runs yet (it ends again at once, having no session).
     */
    public String terminal() throws TmuxException {
        // A server started only for the question ends at once (it has no session), and a client can meet it on its way
        // out ("server exited unexpectedly"), e.g. while another thread starts the session: ask again, a few times.
        TmuxException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                String term = run("start-server", ";", "show-options", "-g", "-v", "default-terminal").strip();
                return term.isEmpty() ? "screen" : term;
            } catch (TmuxException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Opens a window named {@code name} in {@code cwd} running {@code command} (an argv, executed without a shell),
     * without switching to it, and keeps it after the program ends. Without a session (no server yet, or its last
     * window closed) the session is started first ({@link #startSession}). Returns the new window.
     */
    public Window newWindow(String name, Path cwd, List<String> command) throws TmuxException {
        List<String> args = new ArrayList<>(List.of("new-window", "-d", "-P", "-F", "#{window_id}" + FIELD + "#{pane_id}"
                + FIELD + "#{pane_pid}", "-t", "=" + session + ":", "-n", name, "-c", cwd.toString()));
        args.addAll(command);
        String placeholder = null;
        try {
            // The session can end (its last window closed) between the look and the call: then it is started again.
            for (int attempt = 1; ; attempt++) {
                if (placeholder == null && !hasSession()) {
                    placeholder = startSession();
                }
                Result made = call(null, args.toArray(String[]::new));
                if (made.exit() == 0) {
                    String[] ids = made.out().strip().split(FIELD);
                    if (ids.length < 3) {
                        throw new TmuxException("tmux new-window printed no window id");
                    }
                    call(null, "set-option", "-w", "-t", ids[0], "remain-on-exit", "on");
                    return new Window(name, ids[0], ids[1], false, "", parsePid(ids[2]), "");
                }
                if (attempt == 3 || hasSession()) {
                    throw failure("new-window", made);
                }
            }
        } finally {
            if (placeholder != null) {
                call(null, "kill-window", "-t", placeholder);
            }
        }
    }

    /**
     * Starts the server and our session, and sets the options forks rely on: a window whose program ended stays, so
     * its last words can still be read. A session needs a window, so it starts with a placeholder that waits (a
     * program that ended before the option is set would take its window, and the session, with it); the caller closes
     * it as soon as the first fork's window is open, so the session only ever shows forks. The placeholder is tagged
     * as ours ({@link #OWNER_OPTION}), so should we die in between, the next daemon closes it. Returns its id, or null
     * when another process started the session meanwhile.
     */
    private String startSession() throws TmuxException {
        Result started = call(null, "new-session", "-d", "-P", "-F", "#{window_id}", "-s", session, "-x", DEFAULT_SIZE_X,
                "-y", DEFAULT_SIZE_Y, "-n", "starting", "sleep", "86400");
        if (started.exit() != 0) {
            if (hasSession()) {
                return null;
            }
            throw failure("new-session (starting the private server)", started);
        }
        String placeholder = started.out().strip();
        call(null, "set-option", "-w", "-t", placeholder, OWNER_OPTION, String.valueOf(ProcessHandle.current().pid()));
        run("set-option", "-g", "-w", "remain-on-exit", "on");
        // Windows keep their order without gaps (0, 1, …) as forks come and go, starting when the placeholder goes.
        call(null, "set-option", "-t", "=" + session + ":", "renumber-windows", "on");
        return placeholder;
    }

    /** Renames a window (by name or id); false when there is no such window. */
    public boolean renameWindow(String window, String newName) throws TmuxException {
        return call(null, "rename-window", "-t", target(window), newName).exit() == 0;
    }

    /** Sets a hook (e.g. {@code pane-died}) on the window with tmux id {@code windowId}; {@code command} is a tmux command. */
    public void setWindowHook(String windowId, String hook, String command) throws TmuxException {
        run("set-hook", "-w", "-t", windowId, hook, command);
    }

    /** Sets a window option (e.g. {@link #OWNER_OPTION}) on the window with tmux id {@code windowId}. */
    public void setWindowOption(String windowId, String option, String value) throws TmuxException {
        run("set-option", "-w", "-t", windowId, option, value);
    }

    /** The windows of our session; none when the server or session is gone. */
    public List<Window> windows() throws TmuxException {
        Result listed = call(null, "list-windows", "-t", "=" + session, "-F", String.join(FIELD, "#{window_id}", "#{pane_id}",
                "#{pane_dead}", "#{pane_dead_status}", "#{pane_pid}", "#{" + OWNER_OPTION + "}", "#{window_name}"));
        if (listed.exit() != 0) {
            return List.of();
        }
        List<Window> windows = new ArrayList<>();
        for (String line : listed.out().split("\n")) {
            String[] f = line.split(FIELD, 7);
            if (f.length == 7) {
                windows.add(new Window(f[6], f[0], f[1], f[2].equals("1"), f[3], parsePid(f[4]), f[5]));
            }
        }
        return List.copyOf(windows);
    }

    /** The window called exactly {@code name}, if the session has one. */
    public Optional<Window> window(String name) throws TmuxException {
        return windows().stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** A window exists with this name and its program still runs. */
    public boolean isAlive(String name) throws TmuxException {
        return window(name).map(w -> !w.paneDead()).orElse(false);
    }

    /** A window exists with this name and its program has ended (kept by {@code remain-on-exit}). */
    public boolean isPaneDead(String name) throws TmuxException {
        return window(name).map(Window::paneDead).orElse(false);
    }

    /**
     * Makes the server collect the exit status of panes whose program ended without tmux noticing. tmux before 3.5,
     * built with utempter (Debian's is), can lose a pane's SIGCHLD: when the pane's terminal closes it runs utempter's
     * helper under a SIGCHLD handler of utempter's own, and a program that ends in that moment stays a zombie — the pane
     * shows as dead, but with no exit status and no {@code pane-died} hook, ever (seen here with 3.3a about once in 30
     * new servers under load). Any child of the server that ends makes tmux reap every finished child, so this runs
     * {@code true} through {@code run-shell}; harmless when nothing was lost, and a server that is gone is fine.
     */
    public void reapLostChildren() throws TmuxException {
        call(null, "run-shell", "true");
    }

    /** The visible screen of the window's pane (window by name or id) as plain text. */
    public String capture(String window) throws TmuxException {
        return run("capture-pane", "-p", "-t", target(window));
    }

    /**
     * The visible screen with up to {@code historyLines} lines of scrollback above it: what a program printed before it
     * ended, including the first line of a new pane, which tmux tends to push into the scrollback at once.
     */
    public String capture(String window, int historyLines) throws TmuxException {
        return run("capture-pane", "-p", "-S", "-" + historyLines, "-t", target(window));
    }

    /** Kills the window; a window (or server) that is already gone is fine. Returns whether one was killed. */
    public boolean killWindow(String name) throws TmuxException {
        return call(null, "kill-window", "-t", target(name)).exit() == 0;
    }

    /** Kills a window by its tmux id ({@code @3}); a window that is already gone is fine. */
    public boolean killWindowById(String windowId) throws TmuxException {
        return call(null, "kill-window", "-t", windowId).exit() == 0;
    }

    /**
     * Stops the whole private server (every fork in it) and removes its socket file, which tmux 3.3 leaves behind; a
     * server that is not running is fine.
     */
    public void killServer() throws TmuxException {
        Result socket = call(null, "display-message", "-p", "#{socket_path}");
        call(null, "kill-server");
        if (socket.exit() == 0 && !socket.out().isBlank() && call(null, "list-sessions").exit() != 0) {
            try {
                java.nio.file.Files.deleteIfExists(Path.of(socket.out().strip()));
            } catch (java.io.IOException e) {
                // tmux reuses a stale socket file; leaving it is harmless
            }
        }
    }

    /**
     * Types {@code text} into the window (by name or id) as one bracketed paste ({@code load-buffer} from stdin, then
     * {@code paste-buffer -p}), so newlines do not submit early and nothing in the text is read as a key binding or an
     * option. The buffer has a name of its own and is deleted by the paste, so concurrent pastes never mix.
     */
    public void paste(String window, String text) throws TmuxException {
        String buffer = "agent-tunnel-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Result loaded = call(text, "load-buffer", "-b", buffer, "-");
        if (loaded.exit() != 0) {
            throw failure("load-buffer", loaded);
        }
        run("paste-buffer", "-d", "-p", "-b", buffer, "-t", target(window));
    }

    /** Presses Enter in the window (by name or id). */
    public void pressEnter(String window) throws TmuxException {
        run("send-keys", "-t", target(window), "Enter");
    }

    /**
     * Starts a control-mode client ({@code tmux -C attach}) on our session that reports pane output, closed windows
     * and the server's end to {@code listener}; see {@link ControlClient}.
     */
    public ControlClient attachControl(ControlClient.Listener listener) throws TmuxException {
        return ControlClient.attach(command("-C", "attach-session", "-t", "=" + session), clientEnv, listener);
    }

    /** The argv of a tmux client for this server. */
    List<String> command(String... args) {
        List<String> argv = new ArrayList<>(List.of(tmux.toString(), "-L", session));
        argv.addAll(List.of(args));
        return argv;
    }

    private String run(String... args) throws TmuxException {
        Result result = call(null, args);
        if (result.exit() != 0) {
            throw failure(args[0], result);
        }
        return result.out();
    }

    private static TmuxException failure(String what, Result result) {
        String said = result.err().strip().isEmpty() ? "exit code " + result.exit() : result.err().strip();
        return new TmuxException("tmux " + what + " failed: " + said);
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs one tmux client with {@code stdin} (or none) and waits for it, bounded by {@link #CALL_TIMEOUT}. */
    private Result call(String stdin, String... args) throws TmuxException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().clear();
        builder.environment().putAll(clientEnv);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new TmuxException("cannot run " + tmux + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // tmux exited without reading; its exit code and stderr say why.
            }
        }
        try {
            if (!process.waitFor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new TmuxException("tmux did not answer within " + CALL_TIMEOUT.toSeconds() + " s (" + args[0] + ")");
            }
            return new Result(process.exitValue(), out.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TmuxException("interrupted while waiting for tmux", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TmuxException("cannot read tmux's output: " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().name("tmux-output").start(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        });
        return text;
    }

    private static long parsePid(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
