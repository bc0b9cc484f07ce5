package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.testkit.ClaudeSandbox;
import dev.agenttunnel.testkit.FakeAnthropicApi;
import dev.agenttunnel.testkit.Json;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test world for the tmux backend: the fake API, an isolated claude sandbox, a private tmux socket no other test
 * (and no person) uses, and the backend under test. Missing tmux or claude is a failure with a clear message, never a
 * skip.
 */
final class Rig implements AutoCloseable {
    private FakeAnthropicApi api;
    private ClaudeSandbox sandbox;
    private Environment env;
    private String socket;
    private TmuxForks forks;
    private final List<TmuxForks> started = new java.util.ArrayList<>();

    /** Starts the fake API and sandbox (once) and the backend with {@code extraConfig} layered on the test settings. */
    void start(String extraConfig) throws Exception {
        if (api == null) {
            api = FakeAnthropicApi.start();
            sandbox = ClaudeSandbox.create(api);
            env = new Environment(sandbox.env(), sandbox.root());
            requireTmux(env);
            socket = "at-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        }
        String config = """
                tunnel.tmux_session = "%s"
                tunnel.state_path = "%s"
                claude.binary = "%s"
                claude.unset_api_key = false
                limits.launch_timeout_s = 30
                %s
                """.formatted(socket, sandbox.root().resolve("state/state.json"), sandbox.claudeBinary(), extraConfig);
        Settings settings = ConfigLoader.fromConfig(ConfigFactory.parseString(config).withFallback(ConfigLoader.defaults()),
                sandbox.root().resolve("config.toml"), env);
        forks = TmuxForks.start(settings, env);
        started.add(forks);
    }

    /** A session made with {@code claude -p} in {@code project}: the expert a fork starts from. */
    record Expert(Path project, String id, byte[] transcript) {
    }

    /** Makes the expert session ("remember the word PELICAN") in a new, never-trusted folder; clears the requests. */
    Expert expert(String folder) throws Exception {
        Path project = sandbox.newDirectory(folder);
        ProcessResult made = sandbox.run(List.of("-p", "remember the word PELICAN", "--output-format", "json"), project, null,
                Duration.ofSeconds(60));
        if (made.exitCode() != 0) {
            fail("claude -p could not make the expert session: " + made.describe());
        }
        String id = Json.parse(made.stdout()).path("session_id").asText();
        byte[] transcript = Files.readAllBytes(sandbox.transcript(project, id));
        api.clearRequests();
        return new Expert(project, id, transcript);
    }

    /** The turn's answer, within {@code within}; any failure fails the test with its message and the requests seen. */
    TurnOutcome.Answered answered(RunningTurn turn, Duration within) throws Exception {
        TurnOutcome outcome = turn.outcome().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        if (outcome instanceof TurnOutcome.Failed failed) {
            fail("expected an answer, got: " + failed.message() + "\nrequests:\n" + api.describe());
        }
        return (TurnOutcome.Answered) outcome;
    }

    /** The turn's failure, within {@code within}. */
    static TurnOutcome.Failed failed(RunningTurn turn, Duration within) throws Exception {
        TurnOutcome outcome = turn.outcome().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        return assertInstanceOf(TurnOutcome.Failed.class, outcome, () -> "expected a failure, got " + outcome);
    }

    /** Closes the backend only (the sandbox, its sessions and the tmux server stay). */
    void stopForks() {
        if (forks != null) {
            forks.close();
            forks = null;
        }
    }

    FakeAnthropicApi api() {
        return api;
    }

    ClaudeSandbox sandbox() {
        return sandbox;
    }

    Environment env() {
        return env;
    }

    TmuxForks forks() {
        return forks;
    }

    TmuxServer server() throws TmuxException {
        return new TmuxServer(socket, env);
    }

    /** The last main-conversation request the fake API saw. */
    RecordedRequest lastMain() {
        List<RecordedRequest> main = api.mainRequests();
        if (main.isEmpty()) {
            fail("the fake API saw no conversation turn");
        }
        return main.getLast();
    }

    /** Whether the sandbox's state file marks {@code project} trusted. */
    boolean trusted(Path project) {
        return TmuxForkTest.trustedIn(Json.read(sandbox.stateFile()), project);
    }

    @Override
    public void close() {
        stopForks();
        started.forEach(TmuxForks::close);
        if (socket != null) {
            // closing the backends above killed every fork window and waited for its claude to exit, so none of them
            // rewrites a state file in the sandbox after it is deleted
            try {
                server().killServer();
            } catch (TmuxException e) {
                // nothing left to stop
            }
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (api != null) {
            api.close();
        }
    }

    static void requireTmux(Environment env) {
        if (Executables.find("tmux", env).isEmpty()) {
            fail("These tests drive the real tmux, which is not on PATH=" + env.get("PATH").orElse("")
                    + ". Install tmux 3.x (e.g. `apt-get install tmux` or `brew install tmux`).");
        }
    }
}
