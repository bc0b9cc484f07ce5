package dev.agenttunnel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake API over plain HTTP, without claude: routes, wire formats, recording, robustness. */
@Timeout(30)
class FakeAnthropicApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private FakeAnthropicApi api;

    @BeforeEach
    void start() {
        api = FakeAnthropicApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
        http.close();
    }

    @Test
    void bindsLoopbackOnAnEphemeralPort() {
        assertTrue(api.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), api.baseUrl());
    }

    @Test
    void answersTheConnectivityCheck() throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/api/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/api/hello")).GET().build());

        assertEquals(200, head.statusCode());
        assertEquals(200, get.statusCode());
        assertEquals(List.of("HEAD", "GET"), api.requests().stream().map(RecordedRequest::method).toList());
    }

    @Test
    void countsTokensWithoutCountingAsAMessagesRequest() throws Exception {
        HttpResponse<String> response = post("/v1/messages/count_tokens", request(false, "hi"));

        assertEquals(200, response.statusCode());
        assertTrue(Json.parse(response.body()).path("input_tokens").asInt() > 0, response.body());
        assertEquals(1, api.requests().size());
        assertEquals(List.of(), api.messageRequests());
    }

    @Test
    void unknownPathsGet404AndAreRecorded() throws Exception {
        HttpResponse<String> response = post("/v1/nothing", "{}");

        assertEquals(404, response.statusCode());
        assertEquals("error", Json.parse(response.body()).path("type").asText());
        assertEquals("/v1/nothing", api.requests().getFirst().path());
    }

    @Test
    void defaultScriptAnswersFakeAnswerAsPlainJson() throws Exception {
        JsonNode message = Json.parse(post("/v1/messages", request(false, "hi")).body());

        assertEquals("message", message.path("type").asText());
        assertTrue(message.path("id").asText().startsWith("msg_"));
        assertEquals("claude-test-model", message.path("model").asText());
        assertEquals("end_turn", message.path("stop_reason").asText());
        assertEquals("fake answer", message.path("content").get(0).path("text").asText());
        assertTrue(message.path("usage").path("input_tokens").asInt() > 0);
    }

    @Test
    void queryStringIsNotPartOfThePath() throws Exception {
        post("/v1/messages?beta=true", request(false, "hi"));

        assertEquals("/v1/messages", api.messageRequests().getFirst().path());
    }

    @Test
    void streamsTextAsWellFormedSse() throws Exception {
        api.script(Scripts.echo());
        HttpResponse<String> response = post("/v1/messages?beta=true", request(true, "a long enough question to be chunked"));

        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        List<Sse> events = Sse.parse(response.body());
        assertEquals(List.of("message_start", "ping", "content_block_start"),
                events.subList(0, 3).stream().map(Sse::name).toList());
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                events.subList(events.size() - 3, events.size()).stream().map(Sse::name).toList());
        events.forEach(event -> assertEquals(event.name(), event.data().path("type").asText()));
        assertEquals("claude-test-model", events.getFirst().data().path("message").path("model").asText());
        assertEquals("echo: a long enough question to be chunked", Sse.text(events, 0));
        assertTrue(events.stream().filter(e -> e.name().equals("content_block_delta")).count() > 1);
        JsonNode delta = events.get(events.size() - 2).data();
        assertEquals("end_turn", delta.path("delta").path("stop_reason").asText());
        assertTrue(delta.path("usage").path("output_tokens").asInt() > 0);
    }

    @Test
    void streamsSeveralToolUseBlocksAfterLeadingText() throws Exception {
        ToolCall read = ToolCall.of("toolu_1", "Read", Map.of("file_path", "/tmp/x"));
        ToolCall grep = ToolCall.of("toolu_2", "Grep", Map.of("pattern", "needle", "path", "/some/rather/long/path"));
        api.script(request -> Reply.toolUse("Let me look.", List.of(read, grep)));

        List<Sse> events = Sse.parse(post("/v1/messages", request(true, "look")).body());

        assertEquals("Let me look.", Sse.text(events, 0));
        List<JsonNode> starts = events.stream().filter(e -> e.name().equals("content_block_start"))
                .map(e -> e.data().path("content_block")).toList();
        assertEquals(List.of("text", "tool_use", "tool_use"), starts.stream().map(b -> b.path("type").asText()).toList());
        assertEquals("toolu_2", starts.get(2).path("id").asText());
        assertEquals("Grep", starts.get(2).path("name").asText());
        assertEquals(grep.input(), Json.parse(Sse.partialJson(events, 2)));
        assertEquals("tool_use", events.get(events.size() - 2).data().path("delta").path("stop_reason").asText());
    }

    @Test
    void toolUseAsPlainJsonHasCompleteBlocks() throws Exception {
        api.script(Scripts.always(Reply.toolUse(ToolCall.of("toolu_9", "Bash", Map.of("command", "ls")))));

        JsonNode message = Json.parse(post("/v1/messages", request(false, "go")).body());

        assertEquals("tool_use", message.path("stop_reason").asText());
        assertEquals("ls", message.path("content").get(0).path("input").path("command").asText());
    }

    @Test
    void errorRepliesUseAnthropicsErrorShape() throws Exception {
        api.script(Scripts.always(Reply.error(529, "overloaded_error", "Overloaded")));

        HttpResponse<String> response = post("/v1/messages", request(true, "hi"));

        assertEquals(529, response.statusCode());
        JsonNode body = Json.parse(response.body());
        assertEquals("error", body.path("type").asText());
        assertEquals("overloaded_error", body.path("error").path("type").asText());
        assertEquals("Overloaded", body.path("error").path("message").asText());
    }

    @Test
    void aFailingScriptBecomesA500() throws Exception {
        api.script(request -> {
            throw new IllegalStateException("boom");
        });

        HttpResponse<String> response = post("/v1/messages", request(false, "hi"));

        assertEquals(500, response.statusCode());
        assertTrue(response.body().contains("boom"), response.body());
    }

    @Test
    void delayedRepliesHoldOnlyTheirOwnRequest() throws Exception {
        api.script(request -> request.lastUserText().equals("slow")
                ? Reply.delayed(Duration.ofSeconds(20), Reply.text("late"))
                : Reply.text("quick"));
        var slow = http.sendAsync(HttpRequest.newBuilder(uri("/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(request(false, "slow"))).build(),
                HttpResponse.BodyHandlers.ofString());
        api.awaitRequest(r -> r.lastUserText().equals("slow"), WAIT);

        JsonNode quick = Json.parse(post("/v1/messages", request(false, "fast")).body());

        assertEquals("quick", quick.path("content").get(0).path("text").asText());
        assertFalse(slow.isDone());
        slow.cancel(true);
    }

    @Test
    void aClientHangingUpMidStreamDoesNotHurtTheServer() throws Exception {
        api.script(request -> request.lastUserText().equals("huge")
                ? Reply.text("x".repeat(4_000_000))
                : Reply.text("still here"));
        URI base = URI.create(api.baseUrl());
        byte[] body = request(true, "huge").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages?beta=true HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            assertTrue(in.readNBytes(200).length == 200, "the stream started");
        }

        JsonNode after = Json.parse(post("/v1/messages", request(false, "again")).body());

        assertEquals("still here", after.path("content").get(0).path("text").asText());
    }

    @Test
    void recordsHeadersLowerCasedAndAwaitsRequests() throws Exception {
        var pending = http.sendAsync(HttpRequest.newBuilder(uri("/v1/messages"))
                .header("X-Claude-Code-Session-Id", "abc")
                .POST(HttpRequest.BodyPublishers.ofString(request(false, "hi"))).build(),
                HttpResponse.BodyHandlers.ofString());

        RecordedRequest seen = api.awaitRequest(r -> r.claudeSessionId().isPresent(), WAIT);

        assertEquals("abc", seen.headers().get("x-claude-code-session-id"));
        assertEquals("claude-test-model", seen.model());
        assertEquals(200, pending.get().statusCode());
    }

    @Test
    void awaitRequestFailsWithWhatArrived() throws Exception {
        post("/v1/messages", request(false, "hi"));

        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> api.awaitRequest(r -> r.path().equals("/never"), Duration.ofMillis(200)));

        assertTrue(error.getMessage().contains("POST /v1/messages"), error.getMessage());
    }

    @Test
    void structuredOutputRequestsGetASchemaInstanceByDefault() throws Exception {
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(request(false, "name it"));
        body.putObject("output_config").putObject("format").put("type", "json_schema").set("schema",
                Json.parse("{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},\"required\":[\"title\"]}"));

        JsonNode message = Json.parse(post("/v1/messages", Json.write(body)).body());

        JsonNode title = Json.parse(message.path("content").get(0).path("text").asText());
        assertEquals("fake answer", title.path("title").asText());
        assertTrue(api.messageRequests().getFirst().isTitleRequest());
        assertTrue(api.messageRequests().getFirst().isAuxiliary());
    }

    private static String request(boolean stream, String userText) {
        var body = Json.object().put("model", "claude-test-model").put("max_tokens", 1024).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", userText);
        return Json.write(body);
    }

    private URI uri(String path) {
        return URI.create(api.baseUrl() + path);
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** One parsed server-sent event. */
    private record Sse(String name, JsonNode data) {

        static List<Sse> parse(String body) {
            List<Sse> events = new ArrayList<>();
            for (String frame : body.split("\n\n")) {
                if (frame.isBlank()) {
                    continue;
                }
                String[] lines = frame.split("\n");
                assertEquals(2, lines.length, frame);
                assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), frame);
                events.add(new Sse(lines[0].substring(7), Json.parse(lines[1].substring(6))));
            }
            return events;
        }

        static String text(List<Sse> events, int index) {
            return deltas(events, index, "text_delta", "text");
        }

        static String partialJson(List<Sse> events, int index) {
            return deltas(events, index, "input_json_delta", "partial_json");
        }

        private static String deltas(List<Sse> events, int index, String type, String field) {
            StringBuilder text = new StringBuilder();
            events.stream().filter(e -> e.name().equals("content_block_delta"))
                    .filter(e -> e.data().path("index").asInt() == index)
                    .map(e -> e.data().path("delta"))
                    .forEach(delta -> {
                        assertEquals(type, delta.path("type").asText());
                        text.append(delta.path(field).asText());
                    });
            return text.toString();
        }
    }
}
