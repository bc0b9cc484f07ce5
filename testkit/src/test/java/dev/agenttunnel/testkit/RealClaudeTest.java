package dev.agenttunnel.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real claude binary against the fake API in a sandbox. Fails (never skips) when claude is not installed. */
@Timeout(60)
class RealClaudeTest {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(45);

    private FakeAnthropicApi api;
    private ClaudeSandbox sandbox;
    private Path project;

    @BeforeEach
    void create() {
        api = FakeAnthropicApi.start();
        sandbox = ClaudeSandbox.create(api);
        project = sandbox.newDirectory("project");
        sandbox.trust(project);
    }

    @AfterEach
    void close() {
        sandbox.close();
        api.close();
    }

    @Test
    void printModeAnswersWithTheScriptedTextAndWritesTheTranscript() {
        api.scriptMain(request -> Reply.text("scripted: " + request.lastUserText()));

        JsonNode result = claudeJson("-p", "hello", "--output-format", "json");

        assertEquals("scripted: hello", result.path("result").asText());
        assertFalse(result.path("is_error").asBoolean());
        String sessionId = result.path("session_id").asText();
        assertFalse(sessionId.isEmpty(), result.toString());
        assertTrue(Files.isRegularFile(sandbox.transcript(project, sessionId)),
                "no transcript at " + sandbox.transcript(project, sessionId));
        RecordedRequest main = api.mainRequests().getFirst();
        assertEquals(ClaudeSandbox.API_KEY, main.header("x-api-key").orElseThrow());
        assertEquals(sessionId, main.claudeSessionId().orElseThrow());
        assertTrue(Json.read(sandbox.stateFile()).has("firstStartTime"), "claude used the sandbox state file");
    }

    @Test
    void forkSessionCarriesTheContextAndLeavesTheOriginalUntouched() throws IOException {
        String original = claudeJson("-p", "Remember this: the launch code is ZEBRA-4471.", "--output-format", "json")
                .path("session_id").asText();
        Path originalTranscript = sandbox.transcript(project, original);
        byte[] before = Files.readAllBytes(originalTranscript);
        api.clearRequests();

        JsonNode fork = claudeJson("-p", "--resume", original, "--fork-session", "--output-format", "json",
                "What is the launch code?");

        String forkId = fork.path("session_id").asText();
        assertNotEquals(original, forkId);
        assertFalse(forkId.isEmpty(), fork.toString());
        RecordedRequest request = api.mainRequests().getLast();
        assertTrue(request.allText().contains("ZEBRA-4471"), "the fork's request lacks the earlier context");
        assertEquals("What is the launch code?", request.lastUserText());
        assertEquals(forkId, request.claudeSessionId().orElseThrow());
        assertArrayEquals(before, Files.readAllBytes(originalTranscript), "the original transcript changed");
        assertTrue(Files.isRegularFile(sandbox.transcript(project, forkId)));
    }

    @Test
    void toolUseRoundTripCarriesTheFileContentBack() throws IOException {
        Path notes = Files.writeString(project.resolve("notes.txt"), "the secret word is PINEAPPLE\n");
        ToolCall read = ToolCall.of("toolu_read_notes", "Read", Map.of("file_path", notes.toString()));
        api.scriptMain(Scripts.toolRoundTrip(List.of(read),
                request -> Reply.text("the file says: " + request.toolResultText(read.id()).orElseThrow())));

        JsonNode result = claudeJson("-p", "What do my notes say?", "--output-format", "json");

        List<RecordedRequest> turns = api.mainRequests();
        assertEquals(2, turns.size(), api.describe());
        assertFalse(turns.getFirst().hasToolResultFor(read.id()));
        String seen = turns.getLast().toolResultText(read.id()).orElseThrow();
        assertTrue(seen.contains("the secret word is PINEAPPLE"), seen);
        assertFalse(turns.getLast().toolResultIsError(read.id()));
        assertTrue(result.path("result").asText().contains("PINEAPPLE"), result.toString());
        assertEquals(2, result.path("num_turns").asInt());
    }

    @Test
    void streamJsonPrintsInitAndResultLines() {
        ProcessResult run = claude("-p", "hi", "--output-format", "stream-json", "--verbose");

        List<JsonNode> lines = run.jsonLines();
        JsonNode init = lines.stream().filter(line -> line.path("type").asText().equals("system")
                && line.path("subtype").asText().equals("init")).findFirst().orElseThrow(() -> new AssertionError(run.describe()));
        JsonNode result = lines.stream().filter(line -> line.path("type").asText().equals("result"))
                .findFirst().orElseThrow(() -> new AssertionError(run.describe()));
        assertEquals(init.path("session_id").asText(), result.path("session_id").asText());
        assertEquals(FakeAnthropicApi.DEFAULT_ANSWER, result.path("result").asText());
        assertTrue(lines.stream().anyMatch(line -> line.path("type").asText().equals("assistant")), run::describe);
    }

    @Test
    void subagentTurnsAreToldApartFromTheMainConversation() {
        ToolCall agent = ToolCall.of("toolu_agent", "Agent",
                Map.of("description", "say hi", "prompt", "Say hi", "subagent_type", "general-purpose"));
        api.scriptMain(Scripts.toolRoundTrip(List.of(agent), request -> Reply.text("waiting for the agent")));

        claudeJson("-p", "delegate please", "--output-format", "json");

        List<RecordedRequest> subagent = api.messageRequests().stream().filter(RecordedRequest::isSubagent).toList();
        assertFalse(subagent.isEmpty(), api.describe());
        assertEquals("Say hi", subagent.getFirst().lastUserText());
        assertTrue(subagent.getFirst().agentId().isPresent());
        List<RecordedRequest> main = api.mainRequests();
        assertTrue(main.stream().allMatch(request -> request.agentId().isEmpty()), api.describe());
        // 2.1.328 runs the agent in the background: the tool result only says it was launched, and a later
        // main turn carries a <task-notification> once the sub-agent is done.
        assertTrue(main.getLast().allText().contains("<task-notification>"), api.describe());
    }

    @Test
    void aTimedOutRunIsKilledAndTheFakeApiKeepsServing() {
        api.scriptMain(request -> Reply.delayed(Duration.ofSeconds(50), Reply.text("too late")));

        ProcessResult stuck = sandbox.run(List.of("-p", "wait", "--output-format", "json"), project, null,
                Duration.ofSeconds(3));

        assertTrue(stuck.timedOut(), stuck::describe);
        assertFalse(stuck.succeeded());
        api.resetScript();
        assertEquals(FakeAnthropicApi.DEFAULT_ANSWER,
                claudeJson("-p", "again", "--output-format", "json").path("result").asText());
    }

    private JsonNode claudeJson(String... args) {
        ProcessResult run = claude(args);
        try {
            return run.json();
        } catch (IllegalArgumentException e) {
            throw new AssertionError("claude did not print JSON\n" + run.describe(), e);
        }
    }

    private ProcessResult claude(String... args) {
        ProcessResult run = sandbox.run(List.of(args), project, null, RUN_TIMEOUT);
        assertTrue(run.succeeded(), () -> "claude " + String.join(" ", args) + " failed\n" + run.describe()
                + "\nrequests:\n" + api.describe());
        return run;
    }
}
