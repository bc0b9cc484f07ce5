package dev.agenttunnel.testkit.discord;

import com.sun.net.httpserver.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A Discord-compatible server on {@code 127.0.0.1} that the real JDA client connects to: a REST API
 * ({@link #restUrl()}, for JDA's {@code RestConfig.setBaseUrl}) and a gateway ({@link #gatewayUrl()}, for a
 * {@code SessionController} whose {@code getGateway()} returns it), both on free ports.
 *
 * <p>It holds one guild with {@code @everyone}, the bot (its own managed role with the permissions agent-tunnel asks
 * for: view, send, create public threads, send in threads, attach, react, read history) and a human owner. Test code
 * adds roles, text channels and colleagues ({@link #createUser}), opens DMs, and posts as a colleague
 * ({@link #postAsUser}); each such message is stored and dispatched as MESSAGE_CREATE (with {@code member} and its
 * roles in the guild), exactly as the bot's own REST posts are. The gateway honours intents, including blanking
 * guild message content for a client without MESSAGE_CONTENT unless the message mentions the bot.
 *
 * <p>REST endpoints: {@code GET users/@me}, {@code POST users/@me/channels} (open a DM), {@code GET gateway}, {@code GET gateway/bot}, {@code GET channels/{id}},
 * {@code POST channels/{id}/messages} (JSON or multipart with files), {@code GET|PATCH channels/{id}/messages/{mid}},
 * {@code POST channels/{id}/messages/{mid}/threads} (dispatches THREAD_CREATE; the thread's id is the message's),
 * {@code PUT channels/{id}/messages/{mid}/reactions/{emoji}/@me}, {@code POST channels/{id}/typing}.
 *
 * <p>Everything is recorded in order and observable without sleeping: the {@code await…} methods block on a
 * condition signalled by every change, each bounded by its deadline, and fail with an {@link AssertionError}
 * describing what was recorded. Scripting methods throw on unknown ids. Instances share nothing.
 */
public final class DiscordEmulator implements AutoCloseable {
    /** How long {@link #close()} waits for websocket close handshakes. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
    /** How long {@link #start()} waits for the gateway's socket to be listening. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final RestServer rest;
    private final GatewayServer gateway;
    private final EmulatorState state;
    private final String token;

    private DiscordEmulator(RestServer rest, GatewayServer gateway, EmulatorState state, String token) {
        this.rest = rest;
        this.gateway = gateway;
        this.state = state;
        this.token = token;
    }

    /** Starts an emulator with the guild {@code agent-tunnel test} and the bot {@code agent-tunnel}. */
    public static DiscordEmulator start() {
        return start("agent-tunnel test", "agent-tunnel");
    }

    /** Starts an emulator with a guild and a bot of the given names. */
    public static DiscordEmulator start(String guildName, String botName) {
        String token = "emulated-bot-token." + UUID.randomUUID();
        HttpServer http = RestServer.bindLoopback();
        try {
            EmulatorState state = new EmulatorState(new Snowflakes(),
                    RestServer.origin(http) + RestServer.FILES_PREFIX, guildName, botName);
            GatewayServer gateway = GatewayServer.start(state, token, START_TIMEOUT);
            try {
                return new DiscordEmulator(new RestServer(http, state, token, gateway.url()), gateway, state, token);
            } catch (RuntimeException e) {
                gateway.stopWithin(CLOSE_TIMEOUT);
                throw e;
            }
        } catch (RuntimeException e) {
            http.stop(0);
            throw e;
        }
    }

    // ---- where and who ---------------------------------------------------------------------------------------------

    /** {@code http://127.0.0.1:PORT/api/v10/}. */
    public String restUrl() {
        return rest.origin() + RestServer.API_PREFIX;
    }

    /** {@code ws://127.0.0.1:PORT/}. */
    public String gatewayUrl() {
        return gateway.url();
    }

    /** The only bot token the emulator accepts (REST {@code Authorization: Bot …} and gateway IDENTIFY). */
    public String token() {
        return token;
    }

    public String botUserId() {
        return state.botId();
    }

    public String botName() {
        return state.botName();
    }

    public String guildId() {
        return state.guildId();
    }

    /** The guild owner, a human member without roles. */
    public String ownerUserId() {
        return state.ownerId();
    }

    // ---- scripting ---------------------------------------------------------------------------------------------

    /** Adds a role without extra permissions (what {@code @everyone} may do still applies); returns its id. */
    public String createRole(String name) {
        return state.createRole(name);
    }

    /** Adds a text channel everyone (and the bot) may use; returns its id. */
    public String createTextChannel(String name) {
        return state.createTextChannel(name);
    }

    /**
     * Adds a colleague to the guild with a username, a display (global) name and roles; returns the user id. An
     * empty display name means none, so clients fall back to the username.
     */
    public String createUser(String username, String displayName, String... roleIds) {
        return state.createUser(username, displayName, List.of(roleIds));
    }

    /** Gives a member a guild nickname, which clients prefer to the display name. */
    public void setNickname(String userId, String nickname) {
        state.setNickname(userId, nickname);
    }

    /** The DM channel between the bot and {@code userId} (the same one every time); returns its id. */
    public String openDm(String userId) {
        return state.openDm(userId);
    }

    /** Posts {@code content} as {@code userId} in a channel, thread or DM; returns the message id. */
    public String postAsUser(String channelId, String userId, String content) {
        return postAsUser(channelId, userId, content, List.of());
    }

    /** Posts {@code content} with files as {@code userId}; the emulator serves the bytes at each attachment's URL. */
    public String postAsUser(String channelId, String userId, String content, List<Attachment> attachments) {
        return state.post(new MessageDraft(channelId, userId, content, attachments, Optional.empty(),
                Optional.empty())).id();
    }

    /** {@code userId} opens a public thread from a message (dispatching THREAD_CREATE); returns the thread's id. */
    public String startThread(String channelId, String messageId, String userId, String name) {
        return state.startThread(channelId, messageId, userId, name).id();
    }

    /**
     * Turns the bot's "Message Content Intent" on or off, as its owner does in the Developer Portal (on at start). While
     * it is off, an IDENTIFY that asks for that privileged intent is closed with {@code 4014} (disallowed intents), as
     * Discord does.
     */
    public void setMessageContentIntentEnabled(boolean enabled) {
        gateway.allowMessageContentIntent(enabled);
    }

    /**
     * Closes every gateway connection with {@code 4000} (a close after which Discord lets a client resume). Events
     * that happen before the client resumes are replayed to it on RESUME.
     */
    public void dropGatewayConnections() {
        gateway.dropConnections(4000, "emulator dropped the connection");
    }

    // ---- observations ------------------------------------------------------------------------------------------

    /** The current version of every message in a channel, in posting order. */
    public List<PostedMessage> messagesIn(String channelId) {
        return state.messagesIn(channelId);
    }

    /** The current version of every message, in posting order. */
    public List<PostedMessage> messages() {
        return state.messages();
    }

    /** Every message version (posts and edits), in the order they happened. */
    public List<PostedMessage> messageHistory() {
        return state.history();
    }

    /**
     * The first message version (posted or edited, already or before the deadline) matching {@code condition}.
     */
    /**
     * Calls {@code listener} on every new message (colleagues' and the bot's), on the thread that posted it. For
     * load tests: a waiter here costs nothing per message, unlike {@link #awaitMessage}, which rescans the history.
     */
    public void onMessage(java.util.function.Consumer<PostedMessage> listener) {
        state.onMessage(listener);
    }

    public PostedMessage awaitMessage(Predicate<PostedMessage> condition, Duration timeout) {
        return state.await(() -> state.history().stream().filter(condition).findFirst(), timeout,
                "matching message");
    }

    /** The first message the bot posted in {@code channelId}, waiting up to {@code timeout}. */
    public PostedMessage awaitBotMessage(String channelId, Duration timeout) {
        return awaitMessage(m -> m.byBot() && m.channelId().equals(channelId), timeout);
    }

    public List<CreatedThread> threads() {
        return state.threads();
    }

    public CreatedThread awaitThread(Predicate<CreatedThread> condition, Duration timeout) {
        return state.await(() -> state.threads().stream().filter(condition).findFirst(), timeout, "matching thread");
    }

    /** Every reaction the bot added, in order. */
    public List<AddedReaction> reactions() {
        return state.reactions();
    }

    public AddedReaction awaitReaction(Predicate<AddedReaction> condition, Duration timeout) {
        return state.await(() -> state.reactions().stream().filter(condition).findFirst(), timeout,
                "matching reaction");
    }

    /** How many typing indicators the bot triggered in {@code channelId}. */
    public int typingCount(String channelId) {
        return state.typingCount(channelId);
    }

    /** Waits until the bot has triggered at least {@code count} typing indicators in {@code channelId}. */
    public void awaitTyping(String channelId, int count, Duration timeout) {
        state.await(() -> Optional.of(true).filter(x -> state.typingCount(channelId) >= count), timeout,
                count + " typing indicator(s) in " + channelId);
    }

    /** Every REST request answered, in order. */
    public List<RestCall> restCalls() {
        return state.restCalls();
    }

    /** Every gateway identify, resume and disconnect, in order. */
    public List<GatewayEvent> gatewayEvents() {
        return state.gatewayEvents();
    }

    public GatewayEvent awaitGatewayEvent(Predicate<GatewayEvent> condition, Duration timeout) {
        return state.await(() -> state.gatewayEvents().stream().filter(condition).findFirst(), timeout,
                "matching gateway event");
    }

    /** Waits until a client has an identified (or resumed) gateway connection open. */
    public void awaitConnected(Duration timeout) {
        state.await(() -> Optional.of(true).filter(x -> gateway.hasLiveSession()), timeout, "live gateway session");
    }

    /** Everything recorded, one line each, for assertion messages. */
    public String describe() {
        return state.describe();
    }

    /** Stops both servers: connections are closed (within two seconds), in-flight requests cut. */
    @Override
    public void close() {
        try {
            gateway.stopWithin(CLOSE_TIMEOUT);
        } finally {
            rest.stop();
        }
    }
}
