package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.testkit.ClaudeSandbox;
import dev.agenttunnel.testkit.FakeAnthropicApi;
import dev.agenttunnel.testkit.ProcessResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One isolated world for end-to-end tests: a fake Anthropic API, a claude sandbox (its own HOME), an
 * agent-tunnel config pointing at the real claude binary, and an {@code agent-tunnel} launcher on the
 * sandbox's PATH that runs this build (so the real plugin hook finds it, as an installed one would).
 */
final class TunnelWorld implements AutoCloseable {
    static final Path REPO = findRepo();
    static final Path PLUGIN = REPO.resolve("hooks/plugin");
    private static final Duration CLAUDE_TIMEOUT = Duration.ofSeconds(90);

    final FakeAnthropicApi api;
    final ClaudeSandbox sandbox;
    final Path bin;
    final Path config;
    final Path registryPath;
    /** This world's own private tmux server ({@code [tunnel] tmux_session}), never the user's; killed on close. */
    final String tmuxSession = "at-w-" + Long.toHexString(System.nanoTime());

    TunnelWorld(String extraToml) {
        this(extraToml, false);
    }

    /**
     * @param asInstalled lay the files out as for a user: {@code config.toml} in {@code ~/.config/agent-tunnel}, state and
     *                    registry in {@code ~/.local/state/agent-tunnel} (else they lie in the sandbox's root)
     */
    TunnelWorld(String extraToml, boolean asInstalled) {
        api = FakeAnthropicApi.start();
        sandbox = ClaudeSandbox.create(api);
        bin = sandbox.newDirectory("bin");
        Path stateDir = asInstalled ? sandbox.home().resolve(".local/state/agent-tunnel") : sandbox.root().resolve("state");
        registryPath = stateDir.resolve("registry.json");
        config = asInstalled ? sandbox.home().resolve(".config/agent-tunnel/config.toml") : sandbox.root().resolve("config.toml");
        try {
            Files.createDirectories(config.getParent());
            writeLauncher();
            Files.writeString(config, """
                    [tunnel]
                    state_path = "%s"
                    registry_path = "%s"
                    tmux_session = "%s"
                    [claude]
                    binary = "%s"
                    unset_api_key = false
                    [limits]
                    answer_timeout_s = 120.0
                    """.formatted(stateDir.resolve("state.json"), registryPath, tmuxSession, sandbox.claudeBinary())
                    + extraToml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TunnelWorld() {
        this("");
    }

    /** The environment every process of this world sees: the sandbox's, plus our launcher and registry. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(sandbox.env());
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put(Registry.ENV_VAR, registryPath.toString());
        return env;
    }

    Environment environment(Path cwd) {
        return new Environment(env(), cwd);
    }

    /** A project folder, trusted by claude. */
    Path project(String name) {
        Path dir = sandbox.newDirectory(name);
        sandbox.trust(dir);
        return dir;
    }

    /** A project folder under HOME (e.g. {@code src/payments}), trusted by claude. */
    Path projectInHome(String relative) {
        Path dir = sandbox.newDirectory("home/" + relative);
        sandbox.trust(dir);
        return dir;
    }

    /** Runs the real claude in {@code cwd} with this world's environment. */
    ProcessResult claude(Path cwd, String... args) {
        return sandbox.run(List.of(args), cwd, null, CLAUDE_TIMEOUT, env());
    }

    /** Creates a real session by asking one question with {@code claude -p}; returns its id. */
    String newSession(Path project, String prompt) {
        ProcessResult r = claude(project, "-p", prompt, "--output-format", "json");
        assertEquals(0, r.exitCode(), r.describe());
        return r.json().path("session_id").asText();
    }

    /** Runs {@code agent-tunnel args…} in-process with {@code --config <world config>} unless args name one; no terminal to ask. */
    CliResult cli(String... args) {
        return run(java.util.Optional.empty(), args);
    }

    /** As {@link #cli}, at an interactive terminal where the person types {@code typed}. */
    CliResult cliAtTerminal(String typed, String... args) {
        return run(java.util.Optional.of(new java.io.BufferedReader(new java.io.StringReader(typed))), args);
    }

    private CliResult run(java.util.Optional<java.io.BufferedReader> terminal, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && all.stream().noneMatch(a -> a.equals("--config") || a.startsWith("--config="))) {
            all.add(1, "--config");
            all.add(2, config.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(environment(sandbox.root()), new PrintWriter(out), new PrintWriter(err), terminal),
                all.toArray(String[]::new));
        return new CliResult(code, out.toString(), err.toString());
    }

    /**
     * Starts {@code agent-tunnel args… --config <world config>} (this build's launcher) in a 160×40 pseudo-terminal,
     * as a person would run it, with this world's environment.
     */
    com.pty4j.PtyProcess atTerminal(String... args) throws IOException {
        return atTerminal(List.of(bin.resolve("agent-tunnel").toString()), args);
    }

    /** As {@link #atTerminal}, but with stdin from {@code /dev/null}: only the output goes to the terminal. */
    com.pty4j.PtyProcess outputAtTerminal(String... args) throws IOException {
        return atTerminal(List.of("bash", "-c", "exec \"$@\" </dev/null", "bash", bin.resolve("agent-tunnel").toString()), args);
    }

    private com.pty4j.PtyProcess atTerminal(List<String> launcher, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        Map<String, String> env = new HashMap<>(env());
        env.put("TERM", "xterm-256color");
        return new com.pty4j.PtyProcessBuilder(command.toArray(String[]::new)).setEnvironment(env)
                .setDirectory(sandbox.root().toString()).setInitialColumns(160).setInitialRows(40).start();
    }

    record CliResult(int code, String out, String err) {
        String describe() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    Registry registry() {
        return new Registry(registryPath);
    }

    /** {@code bin/agent-tunnel}: this build's hook and CLI, started with the test JVM's java and classpath. */
    private void writeLauncher() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        String script = """
                #!/usr/bin/env bash
                if [[ $1 == hook && $2 == share ]]; then
                  exec '%1$s' --enable-native-access=ALL-UNNAMED -cp '%2$s' dev.agenttunnel.hooks.ShareHookMain
                fi
                exec '%1$s' --enable-native-access=ALL-UNNAMED -cp '%2$s' dev.agenttunnel.app.Main "$@"
                """.formatted(java, classpath);
        Path launcher = bin.resolve("agent-tunnel");
        Files.writeString(launcher, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".claude-plugin/marketplace.json"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (.claude-plugin/marketplace.json) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Runs {@code tmux -L <this world's server> args…} with this world's environment (its own {@code TMUX_TMPDIR}, as
     * the CLI and the daemon see it, whatever the caller's tmux variables say); returns what it printed (stdout and
     * stderr).
     */
    String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSession));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env());
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops this world's tmux server (and, through the sandbox, any other started in it), then removes everything. */
    @Override
    public void close() {
        tmux("kill-server");
        sandbox.close();
        api.close();
    }
}
