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
        for (String xdg : List.of("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "TMPDIR")) {
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
                "TMPDIR", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", "DISABLE_AUTOUPDATER", "DISABLE_TELEMETRY",
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

    @Test
    void closeDeletesTheTree() throws IOException {
        Files.writeString(sandbox.newDirectory("p/deep").resolve("f.txt"), "x");

        sandbox.close();

        assertFalse(Files.exists(sandbox.root()));
    }
}
