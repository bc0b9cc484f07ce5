package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agenttunnel.testkit.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Discord emulator as a process of its own, so that a daemon under test shares no JVM with it (used by
 * {@code bench/serve-overhead}). It starts an emulator with one text channel and {@code --users N} colleagues, prints
 * one JSON line on stdout — {@code rest_url}, {@code gateway_url}, {@code token}, {@code channel}, {@code users},
 * {@code control} — and serves until its stdin closes, {@code POST /stop}, or {@code --lifetime-s} (default 1800) pass.
 *
 * <p>The control endpoint, on {@code 127.0.0.1} only:
 * <ul>
 *   <li>{@code GET /connected?timeout_ms=T}: 200 once a client holds an identified gateway session, 504 after T ms;</li>
 *   <li>{@code POST /ask?channel=C&user=U&expect=TEXT&timeout_ms=T}, the body being the message: posts it as U in C and
 *       waits for the bot's next message whose text is TEXT in the thread (C itself, or — C being a text channel — the
 *       thread opened from the message, whose id is the message's); 200 {@code {"message","thread","millis"}}, millis
 *       from the question stored to the answer stored, both on the emulator's clock; 504 {@code {"message"}} when none
 *       came within T ms.</li>
 * </ul>
 */
public final class EmulatorMain {
    private final DiscordEmulator discord;
    private final String textChannel;
    private final Map<String, BlockingQueue<PostedMessage>> answers = new ConcurrentHashMap<>();
    private final Map<String, Instant> postedAt = new ConcurrentHashMap<>();

    private EmulatorMain(DiscordEmulator discord, String textChannel) {
        this.discord = discord;
        this.textChannel = textChannel;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int users = Integer.parseInt(options.getOrDefault("--users", "1"));
        long lifetimeSeconds = Long.parseLong(options.getOrDefault("--lifetime-s", "1800"));
        CountDownLatch stop = new CountDownLatch(1);
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatorMain main = new EmulatorMain(discord, discord.createTextChannel("ask-the-experts"));
            discord.onMessage(main::record);
            ObjectNode hello = Json.object()
                    .put("rest_url", discord.restUrl())
                    .put("gateway_url", discord.gatewayUrl())
                    .put("token", discord.token())
                    .put("channel", main.textChannel);
            for (int i = 0; i < users; i++) {
                hello.withArray("users").add(discord.createUser("colleague" + i, "Colleague " + i));
            }
            HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            control.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            control.createContext("/connected", main::connected);
            control.createContext("/ask", main::ask);
            control.createContext("/stop", exchange -> {
                reply(exchange, 200, Json.object());
                stop.countDown();
            });
            control.start();
            hello.put("control", "http://127.0.0.1:" + control.getAddress().getPort() + "/");
            System.out.println(Json.write(hello));
            System.out.flush();
            Thread.ofVirtual().start(() -> {
                drain(System.in);
                stop.countDown();
            });
            stop.await(lifetimeSeconds, TimeUnit.SECONDS);
            control.stop(0);
        }
        System.exit(0);
    }

    private void record(PostedMessage message) {
        if (!message.byBot()) {
            postedAt.put(message.id(), message.postedAt());
        } else {
            answers.computeIfAbsent(message.channelId(), id -> new LinkedBlockingQueue<>()).add(message);
        }
    }

    private void connected(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange);
        try {
            discord.awaitConnected(Duration.ofMillis(Long.parseLong(query.getOrDefault("timeout_ms", "10000"))));
            reply(exchange, 200, Json.object());
        } catch (AssertionError e) {
            reply(exchange, 504, Json.object().put("error", "no live gateway session"));
        }
    }

    private void ask(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange);
        String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String channel = query.get("channel");
        String expect = query.getOrDefault("expect", "");
        long timeoutMs = Long.parseLong(query.getOrDefault("timeout_ms", "60000"));
        String question;
        try {
            question = discord.postAsUser(channel, query.get("user"), text);
        } catch (RuntimeException e) {
            reply(exchange, 400, Json.object().put("error", String.valueOf(e.getMessage())));
            return;
        }
        Instant asked = postedAt.remove(question);
        String thread = channel.equals(textChannel) ? question : channel;
        BlockingQueue<PostedMessage> queue = answers.computeIfAbsent(thread, id -> new LinkedBlockingQueue<>());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try {
            for (long left = timeoutMs; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                PostedMessage answer = queue.poll(left, TimeUnit.MILLISECONDS);
                if (answer != null && answer.content().equals(expect) && !answer.postedAt().isBefore(asked)) {
                    reply(exchange, 200, Json.object().put("message", question).put("thread", thread)
                            .put("millis", Duration.between(asked, answer.postedAt()).toNanos() / 1e6));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply(exchange, 504, Json.object().put("message", question).put("thread", thread));
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // stdin gone: stop all the same
        }
    }
}
