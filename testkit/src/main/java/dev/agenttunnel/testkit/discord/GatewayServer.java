package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.testkit.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The emulated Discord gateway (API v10, JSON, uncompressed text frames) on {@code 127.0.0.1}.
 *
 * <p>On open it sends HELLO; IDENTIFY with the right token gets READY (the guild listed as unavailable, a
 * {@code resume_gateway_url} pointing back here) followed by the full GUILD_CREATE; a wrong token closes with 4004, and
 * asking for the Message Content intent while it is off ({@link DiscordEmulator#setMessageContentIntentEnabled}) with 4014.
 * Heartbeats are acknowledged. Every {@link Dispatch} goes, numbered, to each session whose intents ask for it, and
 * is kept (the last {@value #REPLAY_LIMIT}) so that RESUME on a new connection replays what the session missed and
 * then sends RESUMED; an unknown session gets INVALID_SESSION. Member requests (op 8) get one chunk with everyone.
 */
final class GatewayServer extends WebSocketServer {
    private static final int REPLAY_LIMIT = 1000;
    private static final int HEARTBEAT_INTERVAL_MILLIS = 41_250;
    private static final int CLOSE_AUTHENTICATION_FAILED = 4004;
    private static final int CLOSE_ALREADY_AUTHENTICATED = 4005;
    private static final int CLOSE_DECODE_ERROR = 4002;
    private static final int CLOSE_DISALLOWED_INTENTS = 4014;

    private final EmulatorState state;
    private final String token;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<Exception> startFailure = new AtomicReference<>();
    /** Guards {@link #sessions} and every session's fields; always taken after the state's lock, never before it. */
    private final Object sessionsLock = new Object();
    private final Map<String, Session> sessions = new HashMap<>();
    /** Whether the bot's Message Content intent is on, as in the Developer Portal; off, asking for it closes with 4014. */
    private volatile boolean messageContentIntentAllowed = true;

    private GatewayServer(EmulatorState state, String token) {
        super(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.state = state;
        this.token = token;
        setReuseAddr(true);
        setDaemon(true);
    }

    /** Binds a free port, starts serving, and routes the state's dispatches to the sessions. */
    static GatewayServer start(EmulatorState state, String token, Duration timeout) {
        GatewayServer server = new GatewayServer(state, token);
        server.start();
        try {
            if (!server.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                server.stopWithin(Duration.ofSeconds(1));
                throw new IllegalStateException("the Discord emulator's gateway did not start within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stopWithin(Duration.ofSeconds(1));
            throw new IllegalStateException("interrupted while starting the Discord emulator's gateway", e);
        }
        if (server.startFailure.get() != null) {
            throw new IllegalStateException("the Discord emulator's gateway failed to start", server.startFailure.get());
        }
        state.dispatchTo(server::dispatch);
        return server;
    }

    /** {@code ws://127.0.0.1:PORT/}. */
    String url() {
        return "ws://127.0.0.1:" + getPort() + "/";
    }

    void allowMessageContentIntent(boolean allowed) {
        messageContentIntentAllowed = allowed;
    }

    /** Closes every open connection with {@code code}; sessions stay resumable. */
    void dropConnections(int code, String reason) {
        for (WebSocket connection : getConnections()) {
            connection.close(code, reason);
        }
    }

    /** Whether some session has an open, identified connection. */
    boolean hasLiveSession() {
        synchronized (sessionsLock) {
            return sessions.values().stream().anyMatch(s -> s.connection != null && s.connection.isOpen());
        }
    }

    /** Stops the server, waiting at most {@code timeout} for the close handshakes. */
    void stopWithin(Duration timeout) {
        try {
            stop((int) Math.max(1, timeout.toMillis()), "emulator closing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket connection, ClientHandshake handshake) {
        ObjectNode hello = Json.object().put("op", 10);
        hello.putObject("d").put("heartbeat_interval", HEARTBEAT_INTERVAL_MILLIS);
        hello.putNull("s");
        hello.putNull("t");
        sendQuietly(connection, Json.write(hello));
    }

    @Override
    public void onMessage(WebSocket connection, String text) {
        JsonNode frame = Json.parseOrMissing(text);
        if (!frame.has("op")) {
            connection.close(CLOSE_DECODE_ERROR, "Decode error");
            return;
        }
        JsonNode data = frame.path("d");
        switch (frame.path("op").asInt()) {
            case 1 -> sendQuietly(connection, "{\"op\":11,\"d\":null,\"s\":null,\"t\":null}");
            case 2 -> identify(connection, data);
            case 6 -> resume(connection, data);
            case 8 -> requestMembers(connection, data);
            default -> {
                // presence (3) and voice (4) updates, and anything newer: accepted and ignored
            }
        }
    }

    @Override
    public void onMessage(WebSocket connection, ByteBuffer message) {
        connection.close(CLOSE_DECODE_ERROR, "Decode error: the emulator speaks JSON text frames only");
    }

    @Override
    public void onClose(WebSocket connection, int code, String reason, boolean remote) {
        Session session = connection.getAttachment();
        if (session == null) {
            return;
        }
        synchronized (sessionsLock) {
            if (session.connection == connection) {
                session.connection = null;
            }
        }
        state.recordGatewayEvent(new GatewayEvent(GatewayEvent.Kind.DISCONNECTED, session.id, session.intents, code));
    }

    @Override
    public void onError(WebSocket connection, Exception error) {
        if (connection == null && started.getCount() > 0) {
            startFailure.set(error);
            started.countDown();
        }
        // errors on one connection end that connection (onClose follows); nothing else to do
    }

    private void identify(WebSocket connection, JsonNode data) {
        if (connection.getAttachment() != null) {
            connection.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.");
            return;
        }
        if (!token.equals(data.path("token").asText())) {
            connection.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.");
            return;
        }
        int intents = data.path("intents").asInt();
        if ((intents & Intents.MESSAGE_CONTENT) != 0 && !messageContentIntentAllowed) {
            connection.close(CLOSE_DISALLOWED_INTENTS, "Disallowed intent(s).");
            return;
        }
        Session session = new Session(UUID.randomUUID().toString().replace("-", ""), intents);
        state.locked(() -> {
            synchronized (sessionsLock) {
                sessions.put(session.id, session);
                session.connection = connection;
                connection.setAttachment(session);
                send(session, "READY", readyPayload(session));
                if ((intents & Intents.GUILDS) != 0) {
                    send(session, "GUILD_CREATE", state.guildCreateJson());
                }
            }
        });
        state.recordGatewayEvent(new GatewayEvent(GatewayEvent.Kind.IDENTIFIED, session.id, intents, 0));
    }

    private void resume(WebSocket connection, JsonNode data) {
        boolean resumed = state.locked(() -> {
            synchronized (sessionsLock) {
                Session session = sessions.get(data.path("session_id").asText());
                if (session == null || !token.equals(data.path("token").asText())) {
                    return false;
                }
                if (session.connection != null && session.connection != connection) {
                    session.connection.close(4000, "session resumed elsewhere");
                }
                session.connection = connection;
                connection.setAttachment(session);
                long seen = data.path("seq").asLong();
                session.replayLog.stream().filter(f -> f.seq > seen).forEach(f -> sendQuietly(connection, f.json));
                send(session, "RESUMED", Json.object().putNull("_trace"));
                return true;
            }
        });
        if (resumed) {
            Session session = connection.getAttachment();
            state.recordGatewayEvent(new GatewayEvent(GatewayEvent.Kind.RESUMED, session.id, session.intents, 0));
        } else {
            sendQuietly(connection, "{\"op\":9,\"d\":false,\"s\":null,\"t\":null}");
        }
    }

    private void requestMembers(WebSocket connection, JsonNode data) {
        Session session = connection.getAttachment();
        if (session == null) {
            return;
        }
        state.locked(() -> {
            synchronized (sessionsLock) {
                ObjectNode chunk = Json.object().put("guild_id", state.guildId()).put("chunk_index", 0)
                        .put("chunk_count", 1);
                ArrayNode members = chunk.putArray("members");
                state.memberJsons().forEach(members::add);
                chunk.putArray("not_found");
                if (data.has("nonce")) {
                    chunk.set("nonce", data.get("nonce"));
                }
                send(session, "GUILD_MEMBERS_CHUNK", chunk);
            }
        });
    }

    /** Called with the state's lock held. */
    private void dispatch(Dispatch dispatch) {
        synchronized (sessionsLock) {
            for (Session session : sessions.values()) {
                if ((session.intents & dispatch.intent()) != 0) {
                    send(session, dispatch.type(), dispatch.payloadFor(session.intents));
                }
            }
        }
    }

    private ObjectNode readyPayload(Session session) {
        ObjectNode ready = Json.object().put("v", 10);
        ready.set("user", state.selfUserJson());
        ready.putArray("guilds").addObject().put("id", state.guildId()).put("unavailable", true);
        ready.put("session_id", session.id)
                .put("session_type", "normal")
                .put("resume_gateway_url", url());
        ready.putArray("private_channels");
        ready.putArray("relationships");
        ready.putArray("presences");
        ready.putArray("guild_join_requests");
        ready.putArray("geo_ordered_rtc_regions");
        ready.putObject("user_settings");
        ready.putObject("application").put("id", state.botId()).put("flags", 0);
        ready.putArray("_trace").add("agent-tunnel discord emulator");
        return ready;
    }

    /** Numbers, logs and (when connected) sends one dispatch; callers hold {@link #sessionsLock}. */
    private void send(Session session, String type, ObjectNode payload) {
        long seq = ++session.seq;
        ObjectNode frame = Json.object().put("op", 0).put("t", type).put("s", seq);
        frame.set("d", payload);
        String json = Json.write(frame);
        session.replayLog.addLast(new Frame(seq, json));
        if (session.replayLog.size() > REPLAY_LIMIT) {
            session.replayLog.removeFirst();
        }
        if (session.connection != null) {
            sendQuietly(session.connection, json);
        }
    }

    /** Sends unless the connection has closed meanwhile (its session keeps the frame for a resume). */
    private static void sendQuietly(WebSocket connection, String json) {
        try {
            connection.send(json);
        } catch (WebsocketNotConnectedException e) {
            // closed between the check and the send: the frame stays in the replay log
        }
    }

    private record Frame(long seq, String json) {
    }

    /** One gateway session: its intents, sequence, replay log and current connection (guarded by {@link #sessionsLock}). */
    private static final class Session {
        final String id;
        final int intents;
        final Deque<Frame> replayLog = new ArrayDeque<>();
        long seq;
        WebSocket connection;

        Session(String id, int intents) {
            this.id = id;
            this.intents = intents;
        }
    }
}
