package dev.agenttunnel.discord;

import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.config.DiscordSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;

/**
 * A logged-in Discord bot: JDA connected to the configured REST and gateway endpoints ({@code discord.rest_url},
 * {@code discord.gateway_url}; the defaults are Discord's own), with every received message handed to a consumer
 * as a {@link ChatEvent} and a {@link ChatPort} to act in chats.
 *
 * <p>{@link #start} blocks until JDA is ready (every guild loaded) or fails with a {@link DiscordStartException}
 * within the deadline, after stopping the half-started JDA. JDA is built light: only the message intents (with message
 * content), no member cache or chunking (a message carries its author's member and roles), no shutdown hook (the
 * owner calls {@link #close()}). JDA reconnects and resumes by itself. Only this package sees JDA.
 */
public final class DiscordConnection implements AutoCloseable {
    /** How long {@link #start} waits for JDA to be ready unless told otherwise. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FORCED_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final JDA jda;
    private final ChatPort chatPort;

    private DiscordConnection(JDA jda, DirectChannels directChannels) {
        this.jda = jda;
        this.chatPort = new JdaChatPort(jda, directChannels);
    }

    /** Starts with the endpoints of {@code settings} and {@code token} (see {@code DiscordToken.resolve}). */
    public static DiscordConnection start(DiscordSettings settings, String token, Consumer<ChatEvent> onMessage) {
        return start(token, settings.restUrl(), settings.gatewayUrl(), onMessage, DEFAULT_READY_TIMEOUT);
    }

    /** Starts and waits up to {@link #DEFAULT_READY_TIMEOUT} for JDA to be ready. */
    public static DiscordConnection start(String token, String restUrl, String gatewayUrl,
            Consumer<ChatEvent> onMessage) {
        return start(token, restUrl, gatewayUrl, onMessage, DEFAULT_READY_TIMEOUT);
    }

    /**
     * Logs in with {@code token} against {@code restUrl} (e.g. {@code https://discord.com/api/v10/}), connects to
     * {@code gatewayUrl} (e.g. {@code wss://gateway.discord.gg}) and waits up to {@code readyTimeout} until ready.
     * {@code onMessage} runs on JDA's event thread for every message, the bot's own included; it must not block.
     */
    public static DiscordConnection start(String token, String restUrl, String gatewayUrl,
            Consumer<ChatEvent> onMessage, Duration readyTimeout) {
        Objects.requireNonNull(onMessage, "onMessage");
        if (token == null || token.isBlank()) {
            throw new DiscordStartException(DiscordStartException.Reason.OTHER, "no Discord bot token given", null);
        }
        ReadySignal readySignal = new ReadySignal();
        DirectChannels directChannels = new DirectChannels();
        JDA jda = login(token, restUrl, gatewayUrl, readySignal, new ChatEventListener(onMessage, directChannels));
        awaitReady(jda, readySignal, gatewayUrl, readyTimeout);
        return new DiscordConnection(jda, directChannels);
    }

    /** The bot's user id. */
    public String botUserId() {
        return jda.getSelfUser().getId();
    }

    /** The bot's username, as {@code Logged in as <bot>} shows it. */
    public String botName() {
        return jda.getSelfUser().getName();
    }

    /** Acts in chats through this connection. */
    public ChatPort chatPort() {
        return chatPort;
    }

    /**
     * Disconnects: lets queued requests finish for up to five seconds, then cancels the rest and waits up to two
     * more. Safe to call more than once.
     */
    @Override
    public void close() {
        jda.shutdown();
        try {
            if (!jda.awaitShutdown(SHUTDOWN_TIMEOUT)) {
                jda.shutdownNow();
                jda.awaitShutdown(FORCED_SHUTDOWN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            jda.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The only gateway events the bridge reads are messages (and the guilds, channels and threads, which JDA always
     * subscribes to): JDA's default intents would also have Discord send every reaction, voice state, invite,
     * moderation, expression, poll and scheduled event of every guild the bot is in, each parsed and dropped.
     */
    private static EnumSet<GatewayIntent> intents() {
        return EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES, GatewayIntent.MESSAGE_CONTENT);
    }

    private static JDA login(String token, String restUrl, String gatewayUrl, Object... listeners) {
        try {
            return JDABuilder.createLight(token, intents())
                    .setRestConfig(new RestConfig().setBaseUrl(restUrl))
                    .setHttpClientBuilder(httpClient())
                    .setSessionController(new FixedGatewaySessionController(gatewayUrl))
                    .setEnableShutdownHook(false)
                    .addEventListeners(listeners)
                    .build();
        } catch (InvalidTokenException e) {
            throw new DiscordStartException(DiscordStartException.Reason.TOKEN_REJECTED, "Discord rejected the bot token (" + restUrl + ")", e);
        } catch (IllegalArgumentException e) {
            throw new DiscordStartException(DiscordStartException.Reason.OTHER, "cannot start the Discord client: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            java.util.Optional<String> network = networkFailure(e);
            if (network.isPresent()) {
                throw new DiscordStartException(DiscordStartException.Reason.UNREACHABLE, network.get(), e);
            }
            throw new DiscordStartException(DiscordStartException.Reason.OTHER, "cannot log in to Discord at " + restUrl + ": "
                    + rootCause(e), e);
        }
    }

    /**
     * OkHttp allows 5 requests in flight per host by default, and every Discord request goes to one host: with
     * many threads answering at once, typing indicators and answers would queue behind each other. Discord's
     * own rate limits still apply per route (JDA keeps to them).
     */
    private static okhttp3.OkHttpClient.Builder httpClient() {
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(64);
        return new okhttp3.OkHttpClient.Builder().dispatcher(dispatcher);
    }

    private static void awaitReady(JDA jda, ReadySignal signal, String gatewayUrl, Duration timeout) {
        try {
            signal.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandon(jda);
            throw new DiscordStartException(DiscordStartException.Reason.NOT_READY, "the Discord gateway at " + gatewayUrl
                    + " did not get ready within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            abandon(jda);
            DiscordStartException.Reason reason = e.getCause() instanceof ReadySignal.GatewayClosed closed ? switch (closed.code()) {
                case 4004 -> DiscordStartException.Reason.TOKEN_REJECTED;
                case 4014 -> DiscordStartException.Reason.INTENT_DISALLOWED;
                default -> DiscordStartException.Reason.OTHER;
            } : DiscordStartException.Reason.OTHER;
            throw new DiscordStartException(reason, e.getCause().getMessage() + " (" + gatewayUrl + ")", e.getCause());
        } catch (InterruptedException e) {
            jda.shutdownNow();
            Thread.currentThread().interrupt();
            throw new DiscordStartException(DiscordStartException.Reason.OTHER, "interrupted while connecting to Discord", e);
        }
    }

    /** Stops a JDA that never got ready, waiting briefly for its threads to end. */
    private static void abandon(JDA jda) {
        jda.shutdownNow();
        try {
            jda.awaitShutdown(FORCED_SHUTDOWN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What went wrong on the network, when that is why the login failed: the outermost I/O failure in the chain, with the
     * innermost one's words when they differ ("Failed to connect to /127.0.0.1:9: Connection refused"). JDA hangs a
     * context exception at the end of the chain, so its root cause says nothing.
     */
    private static java.util.Optional<String> networkFailure(Throwable error) {
        java.io.IOException outer = null;
        java.io.IOException inner = null;
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.io.IOException io) {
                outer = outer == null ? io : outer;
                inner = io;
            }
        }
        if (outer == null) {
            return java.util.Optional.empty();
        }
        String text = String.valueOf(outer.getMessage());
        String innerText = String.valueOf(inner.getMessage());
        return java.util.Optional.of(inner == outer || text.contains(innerText) ? text : text + ": " + innerText);
    }

    /** The bot's name for a channel it can see, as {@code #name}; empty for a channel it cannot see. */
    public java.util.Optional<String> channelName(long channelId) {
        return java.util.Optional.ofNullable(jda.getChannelById(net.dv8tion.jda.api.entities.channel.middleman.GuildChannel.class, channelId))
                .map(c -> "#" + c.getName());
    }

    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
