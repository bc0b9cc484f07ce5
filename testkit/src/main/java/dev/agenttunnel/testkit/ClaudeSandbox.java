package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An isolated world for running the real {@code claude}: a temp root whose {@code home/} is the child's
 * {@code HOME} (with a pre-seeded {@code home/.claude.json}: onboarding done, dark theme, the fake API key
 * approved), XDG dirs and {@code TMPDIR} under the root, and an environment built from scratch that points
 * claude at a {@link FakeAnthropicApi}. Nothing here reads or writes the real {@code ~/.claude*}.
 *
 * <p>tmux too is private: {@code TMUX_TMPDIR} is a folder of this sandbox's own, whatever the caller's
 * {@code TMUX}/{@code TMUX_TMPDIR} say, so every tmux server a test starts with this environment has its socket
 * there, and {@link #close()} stops each of them — whether the test passed or failed.
 *
 * <p>claude rewrites {@code home/.claude.json} while it runs: call {@link #trust} before starting it.
 */
public final class ClaudeSandbox implements AutoCloseable {

    /** The fake API key every sandbox hands to claude. */
    public static final String API_KEY = "sk-ant-fake-key-for-tests-0123456789";

    /** Variables copied from the test JVM's environment when present; everything else is dropped. */
    static final List<String> INHERITED = List.of(
            "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "JAVA_HOME", "USER", "LOGNAME", "SHELL", "TZ");

    /** Variables that must never reach the child from the environment (they would leak a real session in). */
    static final Set<String> FORBIDDEN = Set.of(
            "CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "CLAUDE_CONFIG_DIR", "ANTHROPIC_AUTH_TOKEN", "TMUX",
            "TMUX_PANE", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_SSE_PORT", "ANTHROPIC_MODEL");

    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(3);

    /**
     * The longest {@code TMUX_TMPDIR} kept under the root: a socket path ({@code <dir>/tmux-<uid>/<name>}) must fit in
     * the 107 bytes of a Unix socket address; a longer temp root gets a short folder of its own under {@code /tmp}.
     */
    private static final int TMUX_DIR_MAX = 60;

    private final FakeAnthropicApi api;
    private final Path root;
    private final Path home;
    private final Path tmuxDir;
    private volatile Path binary;

    private ClaudeSandbox(FakeAnthropicApi api, Path root, Path tmuxDir) {
        this.api = api;
        this.root = root;
        this.home = root.resolve("home");
        this.tmuxDir = tmuxDir;
    }

    /** Creates the temp tree and the seeded {@code home/.claude.json}. */
    public static ClaudeSandbox create(FakeAnthropicApi api) {
        Objects.requireNonNull(api, "api");
        Path root = TempDirs.create("claude-sandbox-");
        Path tmuxDir = root.resolve("tmux");
        if (tmuxDir.toString().length() > TMUX_DIR_MAX) {
            tmuxDir = TempDirs.create(Path.of("/tmp"), "at-tmux-");
        }
        ClaudeSandbox sandbox = new ClaudeSandbox(api, root, tmuxDir);
        sandbox.layOut();
        return sandbox;
    }

    /** The temp root: make project dirs etc. under it. */
    public Path root() {
        return root;
    }

    /** The child's {@code HOME}. */
    public Path home() {
        return home;
    }

    /** {@code home/.claude}: where claude keeps sessions, settings, todos… */
    public Path configDir() {
        return home.resolve(".claude");
    }

    /** {@code home/.claude.json}: claude's state file (onboarding, trusted folders, approved keys). */
    public Path stateFile() {
        return home.resolve(".claude.json");
    }

    /** {@code TMUX_TMPDIR} of this sandbox's environment: where the sockets of the tmux servers it starts live. */
    public Path tmuxDir() {
        return tmuxDir;
    }

    /** The fake API this sandbox points claude at. */
    public FakeAnthropicApi api() {
        return api;
    }

    /** Creates a directory under the root (e.g. a project) and returns its real path. */
    public Path newDirectory(String name) {
        try {
            return Files.createDirectories(root.resolve(name)).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + name + " under " + root, e);
        }
    }

    /** Marks {@code project} trusted (trust dialog, project onboarding and hooks accepted) in the state file. */
    public synchronized void trust(Path project) {
        ObjectNode state = (ObjectNode) Json.read(stateFile());
        ObjectNode projects = state.has("projects") && state.get("projects").isObject()
                ? (ObjectNode) state.get("projects") : state.putObject("projects");
        ObjectNode entry = projects.putObject(canonical(project).toString());
        entry.put("hasTrustDialogAccepted", true)
                .put("hasCompletedProjectOnboarding", true)
                .put("hasTrustDialogHooksAccepted", true);
        Json.write(stateFile(), state);
    }

    /**
     * The child environment, built from scratch: a few basics copied from this JVM ({@link #INHERITED}), then
     * {@code HOME}, XDG dirs, {@code TMPDIR} and {@code TMUX_TMPDIR} of the sandbox, the fake API's URL and key, and
     * the switches that keep claude off the network and quiet.
     */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> outer = System.getenv();
        INHERITED.forEach(name -> {
            if (outer.containsKey(name)) {
                env.put(name, outer.get(name));
            }
        });
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", root.resolve("xdg/config").toString());
        env.put("XDG_STATE_HOME", root.resolve("xdg/state").toString());
        env.put("XDG_CACHE_HOME", root.resolve("xdg/cache").toString());
        env.put("XDG_DATA_HOME", root.resolve("xdg/data").toString());
        env.put("TMPDIR", root.resolve("tmp").toString());
        env.put("TMUX_TMPDIR", tmuxDir.toString());
        env.put("ANTHROPIC_BASE_URL", api.baseUrl());
        env.put("ANTHROPIC_API_KEY", API_KEY);
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("IS_SANDBOX", "1");
        FORBIDDEN.forEach(env::remove);
        return Map.copyOf(env);
    }

    /** The claude executable ({@link ClaudeBinary#find()}), looked up on first use. */
    public Path claudeBinary() {
        Path found = binary;
        if (found == null) {
            found = ClaudeBinary.find();
            binary = found;
        }
        return found;
    }

    /** Runs the real claude with {@link #env()}; see {@link #run(List, Path, String, Duration, Map)}. */
    public ProcessResult run(List<String> args, Path cwd, String stdin, Duration timeout) {
        return run(args, cwd, stdin, timeout, Map.of());
    }

    /**
     * Runs the real claude with {@code args} in {@code cwd}, environment {@link #env()} plus {@code extraEnv}
     * (which may deliberately set anything), feeding {@code stdin} (null: none) and capturing both output streams.
     * On timeout the process and its descendants are killed and the result says {@code timedOut}.
     */
    public ProcessResult run(List<String> args, Path cwd, String stdin, Duration timeout, Map<String, String> extraEnv) {
        List<String> command = new ArrayList<>();
        command.add(claudeBinary().toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(env());
        builder.environment().putAll(extraEnv);
        try {
            Process process = builder.start();
            OutputCollector out = OutputCollector.start(process.getInputStream());
            OutputCollector err = OutputCollector.start(process.getErrorStream());
            feed(process, stdin);
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                killTree(process.toHandle());
                process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            int exit = process.isAlive() ? -1 : process.exitValue();
            return new ProcessResult(exit, out.await(OUTPUT_GRACE), err.await(OUTPUT_GRACE), !finished);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** {@code configDir/projects/<canonical project path, every non-alphanumeric character turned into '-'>}. */
    public Path transcriptDir(Path project) {
        return configDir().resolve("projects").resolve(projectKey(project));
    }

    /** The session's transcript, {@code transcriptDir(project)/<sessionId>.jsonl}. */
    public Path transcript(Path project, String sessionId) {
        return transcriptDir(project).resolve(sessionId + ".jsonl");
    }

    /** Stops every tmux server started with this sandbox's environment, then deletes the temp tree (best effort). */
    @Override
    public void close() {
        PrivateTmux.killServers(tmuxDir, env());
        TempDirs.deleteQuietly(tmuxDir);
        TempDirs.deleteQuietly(root);
    }

    static String projectKey(Path project) {
        return canonical(project).toString().replaceAll("[^A-Za-z0-9]", "-");
    }

    private static Path canonical(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    private void layOut() {
        try {
            Files.createDirectories(configDir());
            for (String dir : List.of("xdg/config", "xdg/state", "xdg/cache", "xdg/data", "tmp")) {
                Files.createDirectories(root.resolve(dir));
            }
            Files.createDirectories(tmuxDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out sandbox " + root, e);
        }
        Json.write(stateFile(), initialState());
    }

    private static ObjectNode initialState() {
        ObjectNode state = Json.object();
        state.put("hasCompletedOnboarding", true);
        state.put("theme", "dark");
        ObjectNode keyResponses = state.putObject("customApiKeyResponses");
        ArrayNode approved = keyResponses.putArray("approved");
        approved.add(API_KEY.substring(API_KEY.length() - 20));
        keyResponses.putArray("rejected");
        state.putObject("projects");
        return state;
    }

    private static void feed(Process process, String stdin) {
        Thread.ofVirtual().name("process-stdin").start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the child closed stdin early; nothing to do
            }
        });
    }

    private static void killTree(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
