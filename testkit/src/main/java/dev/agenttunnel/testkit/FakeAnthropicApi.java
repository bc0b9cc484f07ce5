package dev.agenttunnel.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A fake Anthropic Messages API on {@code 127.0.0.1} (ephemeral port) that the real {@code claude} binary talks to.
 *
 * <p>Endpoints: {@code HEAD|GET /api/hello} → 200 (claude's connectivity check); {@code POST
 * /v1/messages/count_tokens} → {@code {"input_tokens": N}}; {@code POST /v1/messages} (claude adds
 * {@code ?beta=true}) → the current {@link Script}'s {@link Reply}, as SSE when the body says
 * {@code "stream": true}, else as one JSON message; anything else → 404 with an Anthropic error body. Every
 * request is recorded ({@link #requests()}) before it is answered, and {@link #awaitRequest} lets a test wait
 * for one without sleeping. Requests are served on virtual threads, so a {@link Reply.Delayed} or a slow reader
 * holds up nobody else; a client that hangs up mid-stream only ends its own exchange.
 *
 * <h2>What claude 2.1.328 sends (observed)</h2>
 * <ul>
 *   <li><b>Print mode</b> ({@code claude -p}) in a {@link ClaudeSandbox} (which sets
 *       {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1}): only conversation turns — one streaming
 *       {@code POST /v1/messages?beta=true} per model turn (a tool round trip is two). No {@code /api/hello}, no
 *       {@code count_tokens}, no title or quota request. Without that variable it first sends
 *       {@code HEAD /api/hello} (user agent {@code Bun/…}).</li>
 *   <li><b>Interactive mode</b> (in tmux): with the sandbox environment, again only conversation turns. Without
 *       {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC} it also sends {@code HEAD /api/hello} at start and, for a
 *       first prompt of more than a few words, a <em>session-title</em> request: same model, no tools, no
 *       {@code thinking}, system prompt "…You are naming a coding session…", and
 *       {@code output_config.format = {type: json_schema, schema: {properties: {title}}}}. claude parses the answer
 *       as JSON and appends {@code {"type":"ai-title","aiTitle":…}} to the transcript.</li>
 *   <li><b>Sub-agents</b> (the {@code Agent} tool) send their own turns with the header
 *       {@code x-claude-code-agent-id} (nested ones also {@code x-claude-code-parent-agent-id}),
 *       {@code cc_is_subagent=true} in the system prompt's first ("billing") line, their own tool list, and the
 *       parent's {@code x-claude-code-session-id}. The agent runs in the background: the main turn's
 *       {@code tool_result} only says "Async agent launched", and once the agent is done a further main turn
 *       arrives whose last user message is a {@code <system-reminder>} holding a {@code <task-notification>}
 *       ({@code claude -p} waits for it before exiting).</li>
 *   <li><b>Main turns</b> carry the {@code tools} array, {@code thinking: {type: adaptive}},
 *       {@code context_management}, {@code output_config.effort}, {@code metadata.user_id} (JSON with
 *       {@code session_id}), {@code model: claude-opus-5-5}, {@code max_tokens: 128000}, and the header
 *       {@code x-claude-code-session-id}; interactive ones add {@code safeguards}. The first user message starts
 *       with a {@code <system-reminder>} text block before the prompt, and a {@code role: "system"} message
 *       ("# Environment…") follows it inside {@code messages}.</li>
 * </ul>
 * {@link RecordedRequest#isMainConversation()}, {@link RecordedRequest#isSubagent()} and
 * {@link RecordedRequest#isAuxiliary()} tell these apart; {@link #scriptMain(Script)} scripts only the main
 * conversation. The default script ({@link Scripts#defaults()}) answers turns with {@code "fake answer"} and
 * structured-output requests with a minimal instance of their schema, which keeps every kind above working.
 */
public final class FakeAnthropicApi implements AutoCloseable {

    /** The text the default script answers with. */
    public static final String DEFAULT_ANSWER = "fake answer";

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Object arrivals = new Object();
    private final AtomicLong messageIds = new AtomicLong();
    private volatile Script script = Scripts.defaults();

    private FakeAnthropicApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on {@code 127.0.0.1} on a free port. */
    public static FakeAnthropicApi start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            FakeAnthropicApi api = new FakeAnthropicApi(server, executor);
            server.setExecutor(executor);
            server.createContext("/", api::handle);
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the fake Anthropic API on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, for {@code ANTHROPIC_BASE_URL}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Replaces the script answering {@code POST /v1/messages}; takes effect for the next request. */
    public void script(Script script) {
        this.script = Objects.requireNonNull(script, "script");
    }

    /** Scripts only the main conversation: {@code script(Scripts.mainOnly(main))}. */
    public void scriptMain(Script main) {
        script(Scripts.mainOnly(main));
    }

    /** Back to {@link Scripts#defaults()}. */
    public void resetScript() {
        script(Scripts.defaults());
    }

    /** Every request so far, in arrival order (a snapshot). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Only the {@code POST /v1/messages} requests (not {@code count_tokens}), in arrival order. */
    public List<RecordedRequest> messageRequests() {
        return requests.stream().filter(RecordedRequest::isMessages).toList();
    }

    /** Only the {@linkplain RecordedRequest#isMainConversation() main-conversation} turns. */
    public List<RecordedRequest> mainRequests() {
        return requests.stream().filter(RecordedRequest::isMainConversation).toList();
    }

    /** Forgets the recorded requests (the script stays). */
    public void clearRequests() {
        requests.clear();
    }

    /**
     * The first recorded request (already recorded or arriving before the deadline) matching {@code condition};
     * fails with an {@link AssertionError} listing what did arrive.
     */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (arrivals) {
            while (true) {
                Optional<RecordedRequest> found = requests.stream().filter(condition).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching request within " + timeout + "; received:\n" + describe());
                }
                try {
                    arrivals.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for a request", e);
                }
            }
        }
    }

    /** One line per recorded request, for assertion messages. */
    public String describe() {
        return requests.stream().map(r -> "  " + r.summary()).collect(Collectors.joining("\n"));
    }

    /** Stops the server at once; in-flight exchanges are cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            RecordedRequest request = record(exchange);
            route(exchange, request);
        } catch (IOException e) {
            // The client hung up (e.g. claude cancelled a stream); only this exchange is affected.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is closing
        }
    }

    private RecordedRequest record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.merge(name.toLowerCase(Locale.ROOT), String.join(", ", values), (a, b) -> a + ", " + b));
        RecordedRequest request = RecordedRequest.of(exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(), headers, body);
        requests.add(request);
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
        return request;
    }

    private void route(HttpExchange exchange, RecordedRequest request) throws IOException, InterruptedException {
        String method = request.method();
        String path = request.path();
        if (path.equals("/api/hello") && (method.equals("HEAD") || method.equals("GET"))) {
            sendJson(exchange, 200, "{}");
        } else if (path.equals("/v1/messages/count_tokens") && method.equals("POST")) {
            sendJson(exchange, 200, Json.write(Json.object().put("input_tokens", estimateTokens(request))));
        } else if (request.isMessages()) {
            answer(exchange, request, currentReply(request));
        } else {
            sendJson(exchange, 404, errorBody("not_found_error", "fake API has no " + method + " " + path));
        }
    }

    private Reply currentReply(RecordedRequest request) {
        try {
            return Objects.requireNonNull(script.reply(request), "script returned null");
        } catch (RuntimeException e) {
            return Reply.error(500, "api_error", "fake API script failed: " + e);
        }
    }

    private void answer(HttpExchange exchange, RecordedRequest request, Reply reply)
            throws IOException, InterruptedException {
        switch (reply) {
            case Reply.Delayed delayed -> {
                Thread.sleep(delayed.delay());
                answer(exchange, request, delayed.then());
            }
            case Reply.ApiError error -> sendJson(exchange, error.status(), errorBody(error.type(), error.message()));
            case Reply.Text _, Reply.ToolUse _ -> {
                AssistantMessage message = AssistantMessage.of(nextMessageId(),
                        request.model().isEmpty() ? "claude-fake" : request.model(), reply, estimateTokens(request));
                if (request.streaming()) {
                    stream(exchange, message);
                } else {
                    sendJson(exchange, 200, Json.write(message.json()));
                }
            }
        }
    }

    private void stream(HttpExchange exchange, AssistantMessage message) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.getResponseHeaders().set("request-id", "req_fake_" + message.id());
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (AssistantMessage.Event event : message.events()) {
            out.write(event.wire().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("request-id", "req_fake_" + System.nanoTime());
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String errorBody(String type, String message) {
        var body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        return Json.write(body);
    }

    private String nextMessageId() {
        return "msg_fake_%06d".formatted(messageIds.incrementAndGet());
    }

    private static int estimateTokens(RecordedRequest request) {
        return Math.max(1, request.body().length() / 4);
    }
}
