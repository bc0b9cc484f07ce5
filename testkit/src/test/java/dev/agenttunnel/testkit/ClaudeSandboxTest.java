package dev.agenttunnel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox's files, environment and transcript paths, without running claude. */
class ClaudeSandboxTest {

    private FakeAnthropicApi api;
    private ClaudeSandbox sandbox;

    @BeforeEach
    void create() {
        api = FakeAnthropicApi.start();
        sandbox = ClaudeSandbox.create(api);
    }

    @AfterEach
    void close() {
        sandbox.close();
        api.close();
    }

    @Test
    void seedsTheStateFileInTheSandboxHome() {
        JsonNode state = Json.read(sandbox.home().resolve(".claude.json"));

        assertTrue(state.path("hasCompletedOnboarding").asBoolean());
        assertEquals("dark", state.path("theme").asText());
        assertEquals("for-tests-0123456789", state.path("customApiKeyResponses").path("approved").get(0).asText());
        assertTrue(state.path("projects").isObject());
        assertEquals(sandbox.home().resolve(".claude"), sandbox.configDir());
        assertTrue(Files.isDirectory(sandbox.configDir()));
        assertTrue(sandbox.home().startsWith(sandbox.root()));
    }

    @Test
    void trustsTheCanonicalProjectPath() throws IOException {
        Path project = sandbox.newDirectory("project");
        Path link = Files.createSymbolicLink(sandbox.root().resolve("link"), project);

        sandbox.trust(link);
        sandbox.trust(sandbox.newDirectory("other"));

        JsonNode projects = Json.read(sandbox.stateFile()).path("projects");
        JsonNode entry = projects.path(project.toRealPath().toString());
        assertTrue(entry.path("hasTrustDialogAccepted").asBoolean());
        assertTrue(entry.path("hasCompletedProjectOnboarding").asBoolean());
        assertTrue(entry.path("hasTrustDialogHooksAccepted").asBoolean());
        assertEquals(2, projects.size());
        assertTrue(Json.read(sandbox.stateFile()).path("hasCompletedOnboarding").asBoolean());
    }

    @Test
    void environmentIsBuiltFromScratchAndPointsIntoTheSandbox() {
        Map<String, String> env = sandbox.env();

        assertEquals(sandbox.home().toString(), env.get("HOME"));
        for (String xdg : List.of("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "TMPDIR", "TMUX_TMPDIR")) {
            assertTrue(Path.of(env.get(xdg)).startsWith(sandbox.root()), xdg + "=" + env.get(xdg));
            assertTrue(Files.isDirectory(Path.of(env.get(xdg))), xdg);
        }
        assertEquals(api.baseUrl(), env.get("ANTHROPIC_BASE_URL"));
        assertEquals(ClaudeSandbox.API_KEY, env.get("ANTHROPIC_API_KEY"));
        for (String flag : List.of("DISABLE_AUTOUPDATER", "DISABLE_TELEMETRY", "DISABLE_ERROR_REPORTING",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "IS_SANDBOX")) {
            assertEquals("1", env.get(flag), flag);
        }
        Set<String> allowed = new HashSet<>(ClaudeSandbox.INHERITED);
        allowed.addAll(List.of("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
                "TMPDIR", "TMUX_TMPDIR", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "DISABLE_AUTOUPDATER", "DISABLE_TELEMETRY",
                "DISABLE_ERROR_REPORTING", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "IS_SANDBOX"));
        assertTrue(allowed.containsAll(env.keySet()), "unexpected: " + env.keySet());
        ClaudeSandbox.FORBIDDEN.forEach(name -> assertFalse(env.containsKey(name), name));
        assertFalse(env.keySet().stream().anyMatch(name -> name.startsWith("CLAUDE_CODE_")
                && !name.equals("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")), env.keySet().toString());
    }

    @Test
    void transcriptPathsFollowClaudesProjectKey() {
        Path project = sandbox.newDirectory("my_project.v2");

        Path dir = sandbox.transcriptDir(project);

        assertEquals(sandbox.configDir().resolve("projects"), dir.getParent());
        assertEquals(project.toString().replaceAll("[^A-Za-z0-9]", "-"), dir.getFileName().toString());
        assertTrue(dir.getFileName().toString().endsWith("-my-project-v2"));
        assertEquals(dir.resolve("abc.jsonl"), sandbox.transcript(project, "abc"));
    }

    /**
     * The build runs every test as if from inside someone's tmux, with a TMUX_TMPDIR that does not exist (pom.xml). The
     * sandbox's environment has a tmux folder of its own instead; this fails if the build stops setting the odd one.
     */
    @Test
    void theCallersTmuxEnvironmentNeverReachesTheSandbox() {
        String callers = System.getenv("TMUX_TMPDIR");
        assertTrue(callers != null && !Files.exists(Path.of(callers)) && System.getenv("TMUX") != null,
                "the build should run tests with TMUX and an odd TMUX_TMPDIR set; got TMUX_TMPDIR=" + callers);

        Map<String, String> env = sandbox.env();

        assertEquals(sandbox.tmuxDir().toString(), env.get("TMUX_TMPDIR"));
        assertFalse(env.containsKey("TMUX") || env.containsKey("TMUX_PANE"), env.keySet().toString());
        assertTrue(sandbox.tmuxDir().resolve("tmux-4294967295/at-w-0123456789abcdef").toString().length() < 108,
                "a socket path must fit a Unix socket address: " + sandbox.tmuxDir());
    }

    @Test
    void closeStopsEveryTmuxServerStartedWithTheSandboxesEnvironment() throws Exception {
        Map<String, String> env = sandbox.env();
        for (String socket : List.of("one", "two")) {
            ProcessResult started = run(env, "tmux", "-L", socket, "new-session", "-d", "-s", socket, "sleep 600");
            assertEquals(0, started.exitCode(), started.describe());
        }
        List<Path> sockets = PrivateTmux.sockets(sandbox.tmuxDir());
        assertEquals(Set.of("one", "two"), new HashSet<>(sockets.stream().map(p -> p.getFileName().toString()).toList()));

        sandbox.close();

        for (Path socket : sockets) {
            ProcessResult asked = run(env, "tmux", "-S", socket.toString(), "has-session");
            assertFalse(asked.exitCode() == 0, "a server still runs on " + socket);
        }
        assertFalse(Files.exists(sandbox.tmuxDir()));
    }

    private static ProcessResult run(Map<String, String> env, String... argv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "tmux did not answer");
        return new ProcessResult(process.exitValue(), out, "", false);
    }

    @Test
    void closeDeletesTheTree() throws IOException {
        Files.writeString(sandbox.newDirectory("p/deep").resolve("f.txt"), "x");

        sandbox.close();

        assertFalse(Files.exists(sandbox.root()));
    }
}
