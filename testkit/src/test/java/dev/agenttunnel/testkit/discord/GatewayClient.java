package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.testkit.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A bare gateway client on the JDK's websocket: sends JSON frames, collects the ones it receives. */
final class GatewayClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();
    private final LinkedBlockingQueue<JsonNode> arrived = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;

    GatewayClient(String url) throws Exception {
        socket = http.newWebSocketBuilder().buildAsync(URI.create(url + "?v=10&encoding=json"), new Listener())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    void send(String json) {
        socket.sendText(json, true).join();
    }

    void identify(String token, int intents) {
        send(Json.write(Json.object().put("op", 2).set("d", Json.object().put("token", token)
                .put("intents", intents))));
    }

    /** The first frame (received before or until the deadline) matching {@code condition}. */
    JsonNode await(Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (JsonNode frame : seen) {
                if (condition.test(frame)) {
                    return frame;
                }
            }
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? arrived.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no matching frame within " + WAIT + "; got " + seen);
            }
            seen.add(next);
        }
    }

    /** The payload of the first dispatch of {@code type} matching {@code condition}. */
    JsonNode awaitDispatch(String type, Predicate<JsonNode> condition) throws InterruptedException {
        return await(f -> f.path("op").asInt() == 0 && type.equals(f.path("t").asText())
                && condition.test(f.path("d"))).path("d");
    }

    JsonNode awaitDispatch(String type) throws InterruptedException {
        return awaitDispatch(type, d -> true);
    }

    /** Every frame received so far (after draining what has arrived). */
    List<JsonNode> frames() {
        arrived.drainTo(seen);
        return List.copyOf(seen);
    }

    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye");
        }
        socket.abort();
        http.close();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                arrived.add(Json.parse(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
