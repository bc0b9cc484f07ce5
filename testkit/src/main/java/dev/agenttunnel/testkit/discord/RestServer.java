package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agenttunnel.testkit.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated Discord REST API (v10) on {@code 127.0.0.1}, answering the endpoints a bridge bot uses, each request
 * authenticated with {@code Authorization: Bot <token>} and recorded as a {@link RestCall}. Attachment bytes are
 * served without authentication under {@code /attachments/}, as Discord's CDN serves them.
 *
 * <p>Messages may be JSON or {@code multipart/form-data} ({@code payload_json} plus {@code files[n]}); the stored
 * message keeps its text, files, {@code allowed_mentions} and {@code message_reference}. Refusals use Discord's
 * status codes and JSON error codes. Requests are served on virtual threads and never wait on each other beyond the
 * model's lock.
 */
final class RestServer {
    static final String API_PREFIX = "/api/v10/";
    static final String FILES_PREFIX = "/attachments/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Route> routes = new ArrayList<>();
    private final EmulatorState state;
    private final String token;

    /** Starts answering on {@code server} (see {@link #bindLoopback()}) from {@code state}, accepting {@code token}. */
    RestServer(HttpServer server, EmulatorState state, String token, String gatewayUrl) {
        this.server = server;
        this.state = state;
        this.token = token;
        route("GET", "users/@me", (request, match) -> Reply.json(state.selfUserJson()));
        route("POST", "users/@me/channels", (request, match) -> Reply.json(state.channelJson(
                state.openDm(Body.of(request).json().path("recipient_id").asText()))));
        route("GET", "gateway", (request, match) -> Reply.json(Json.object().put("url", gatewayUrl)));
        route("GET", "gateway/bot", (request, match) -> Reply.json(gatewayBot(gatewayUrl)));
        route("GET", "channels/(\\d+)", (request, match) -> Reply.json(state.channelJson(match.group(1))));
        route("POST", "channels/(\\d+)/messages", this::createMessage);
        route("GET", "channels/(\\d+)/messages", this::listMessages);
        route("GET", "channels/(\\d+)/messages/(\\d+)",
                (request, match) -> Reply.json(state.messageJson(match.group(1), match.group(2))));
        route("PATCH", "channels/(\\d+)/messages/(\\d+)", this::editMessage);
        route("POST", "channels/(\\d+)/messages/(\\d+)/threads", this::startThread);
        route("PUT", "channels/(\\d+)/messages/(\\d+)/reactions/([^/]+)/@me", (request, match) -> {
            state.react(match.group(1), match.group(2), decode(match.group(3)), state.botId());
            return Reply.NO_CONTENT;
        });
        route("POST", "channels/(\\d+)/typing", (request, match) -> {
            state.typing(match.group(1));
            return Reply.NO_CONTENT;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** An HTTP server bound to a free loopback port, not yet answering (the model needs its address first). */
    static HttpServer bindLoopback() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the Discord emulator's REST API on 127.0.0.1", e);
        }
    }

    /** {@code http://127.0.0.1:PORT} of a bound server. */
    static String origin(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    String origin() {
        return origin(server);
    }

    /** Stops at once; in-flight exchanges are cut. */
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void route(String method, String pattern, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pattern), handler));
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.startsWith(FILES_PREFIX) && exchange.getRequestMethod().equals("GET")) {
                serveFile(exchange, path.substring(FILES_PREFIX.length()));
                return;
            }
            String apiPath = path.startsWith(API_PREFIX) ? path.substring(API_PREFIX.length()) : path;
            Request request = new Request(exchange.getRequestMethod(), apiPath,
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse(""), body,
                    Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
            Reply reply = answer(request, exchange.getRequestHeaders().getFirst("Authorization"), path);
            state.recordRestCall(new RestCall(request.method(), apiPath, reply.status()));
            send(exchange, reply, request.method() + " " + apiPath);
        } catch (IOException e) {
            // the client hung up; only this exchange is affected
        }
    }

    private Reply answer(Request request, String authorization, String rawPath) {
        if (!rawPath.startsWith(API_PREFIX)) {
            return Reply.error(404, 0, "404: Not Found");
        }
        if (!("Bot " + token).equals(authorization)) {
            return Reply.error(401, 0, "401: Unauthorized");
        }
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher match = route.pattern().matcher(request.path());
            if (!match.matches()) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(request.method())) {
                try {
                    return route.handler().handle(request, match);
                } catch (ApiError e) {
                    return Reply.error(e.status(), e.code(), e.getMessage());
                } catch (RuntimeException e) {
                    return Reply.error(500, 0, "emulator failure: " + e);
                }
            }
        }
        return pathKnown ? Reply.error(405, 0, "405: Method Not Allowed") : Reply.error(404, 0, "404: Not Found");
    }

    private Reply createMessage(Request request, Matcher match) {
        Body body = Body.of(request);
        JsonNode json = body.json();
        Optional<String> replyTo = json.path("message_reference").path("message_id").isMissingNode()
                || json.path("message_reference").path("message_id").isNull()
                ? Optional.empty()
                : Optional.of(json.path("message_reference").path("message_id").asText());
        MessageDraft draft = new MessageDraft(match.group(1), state.botId(), json.path("content").asText(""),
                body.files(), allowedMentions(json), replyTo);
        return Reply.json(state.messageJson(state.post(draft)));
    }

    /** A channel's history, as Discord serves it: the messages after {@code after} (or before {@code before}), newest first. */
    private Reply listMessages(Request request, Matcher match) {
        long after = request.param("after").map(Long::parseLong).orElse(0L);
        long before = request.param("before").map(Long::parseLong).orElse(Long.MAX_VALUE);
        int limit = Math.max(1, Math.min(100, request.param("limit").map(Integer::parseInt).orElse(50)));
        List<PostedMessage> all = new java.util.ArrayList<>(state.messagesIn(match.group(1)).stream()
                .filter(m -> Long.parseLong(m.id()) > after && Long.parseLong(m.id()) < before).toList());
        java.util.Collections.reverse(all);
        com.fasterxml.jackson.databind.node.ArrayNode array = Json.mapper().createArrayNode();
        (after > 0 ? all.subList(Math.max(0, all.size() - limit), all.size()) : all.subList(0, Math.min(limit, all.size())))
                .forEach(m -> array.add(state.messageJson(m)));
        return Reply.json(array);
    }

    private Reply editMessage(Request request, Matcher match) {
        JsonNode json = Body.of(request).json();
        Optional<String> content = json.hasNonNull("content") ? Optional.of(json.get("content").asText())
                : Optional.empty();
        PostedMessage edited = state.edit(match.group(1), match.group(2), content, allowedMentions(json));
        return Reply.json(state.messageJson(edited));
    }

    private Reply startThread(Request request, Matcher match) {
        JsonNode json = Body.of(request).json();
        CreatedThread thread = state.startThread(match.group(1), match.group(2), state.botId(),
                json.path("name").asText(""));
        return Reply.json(state.channelJson(thread.id()));
    }

    private void serveFile(HttpExchange exchange, String rest) throws IOException {
        String[] segments = rest.split("/");
        Optional<PostedFile> file = segments.length >= 2 ? state.file(segments[1]) : Optional.empty();
        if (file.isEmpty()) {
            send(exchange, Reply.error(404, 0, "404: Not Found"), "GET files");
            return;
        }
        send(exchange, new Reply(200, Payloads.contentType(file.get().name()), file.get().content()), "GET files");
    }

    private static Optional<AllowedMentions> allowedMentions(JsonNode json) {
        JsonNode mentions = json.path("allowed_mentions");
        if (!mentions.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new AllowedMentions(texts(mentions.path("parse")), texts(mentions.path("users")),
                texts(mentions.path("roles")), mentions.path("replied_user").asBoolean(false)));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static ObjectNode gatewayBot(String gatewayUrl) {
        ObjectNode json = Json.object().put("url", gatewayUrl).put("shards", 1);
        json.putObject("session_start_limit").put("total", 1000).put("remaining", 1000)
                .put("reset_after", 0).put("max_concurrency", 1);
        return json;
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, Reply reply, String route) throws IOException {
        rateLimitHeaders(exchange, route);
        if (reply.body().length == 0) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        exchange.getResponseBody().write(reply.body());
    }

    /**
     * Discord's rate-limit headers, with a generous limit. JDA runs requests of a route one at a time until it
     * learns the route's bucket from these, so without them every thread creation in a channel would queue.
     */
    private static void rateLimitHeaders(HttpExchange exchange, String route) {
        String bucket = Integer.toHexString(route.replaceAll("\\d{5,}", "{id}").hashCode());
        var headers = exchange.getResponseHeaders();
        headers.set("X-RateLimit-Bucket", bucket);
        headers.set("X-RateLimit-Limit", "10000");
        headers.set("X-RateLimit-Remaining", "9999");
        headers.set("X-RateLimit-Reset-After", "1.000");
        headers.set("X-RateLimit-Reset", String.format(java.util.Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0 + 1));
    }

    @FunctionalInterface
    private interface Handler {
        Reply handle(Request request, Matcher match);
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private record Request(String method, String path, String contentType, byte[] body, String query) {
        /** A query parameter, e.g. {@code after} of {@code ?after=1&limit=50}. */
        Optional<String> param(String name) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return Optional.of(java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        }
    }

    /** A request body read as Discord reads it: JSON, or multipart with {@code payload_json} and files. */
    private record Body(JsonNode json, List<Attachment> files) {
        static Body of(Request request) {
            if (Multipart.isMultipart(request.contentType())) {
                Multipart multipart = Multipart.parse(request.contentType(), request.body());
                JsonNode json = multipart.part("payload_json").map(p -> Json.parseOrMissing(p.text()))
                        .orElse(Json.object());
                List<Attachment> files = new ArrayList<>();
                for (Map.Entry<String, Multipart.Part> file : multipart.files().entrySet()) {
                    files.add(new Attachment(file.getValue().fileName(), file.getValue().content()));
                }
                return new Body(json.isObject() ? json : Json.object(), files);
            }
            JsonNode json = Json.parseOrMissing(new String(request.body(), StandardCharsets.UTF_8));
            if (!json.isObject()) {
                if (request.body().length > 0) {
                    throw new ApiError(400, 50109, "The request body contains invalid JSON.");
                }
                return new Body(Json.object(), List.of());
            }
            return new Body(json, List.of());
        }
    }

    /** An answer: status, content type and bytes (empty for 204). */
    private record Reply(int status, String contentType, byte[] body) {
        static final Reply NO_CONTENT = new Reply(204, "", new byte[0]);

        static Reply json(JsonNode json) {
            return new Reply(200, "application/json", Json.write(json).getBytes(StandardCharsets.UTF_8));
        }

        static Reply error(int status, int code, String message) {
            return new Reply(status, "application/json",
                    Json.write(Payloads.error(code, message)).getBytes(StandardCharsets.UTF_8));
        }
    }
}
