package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.hooks.ShareHookMain;
import dev.agenttunnel.testkit.discord.DiscordEmulator;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A whole-system world: the Discord emulator, the real claude against the fake API in a sandbox, a published
 * session, and the daemon ({@link Daemon}, as {@code serve} wires it) connected through the real JDA client.
 */
final class ServeWorld implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(45);

    final TunnelWorld world;
    final DiscordEmulator discord;
    final String channel;
    final String alice;
    final String bob;
    final Path project;
    String expert;
    private Daemon daemon;

    ServeWorld(String limitsToml, String claudeToml) throws Exception {
        this(limitsToml, claudeToml, false);
    }

    /** @param asInstalled config, state and the project under HOME, as a user has them ({@link TunnelWorld}) */
    ServeWorld(String limitsToml, String claudeToml, boolean asInstalled) throws Exception {
        discord = DiscordEmulator.start();
        channel = discord.createTextChannel("ask-the-experts");
        alice = discord.createUser("alice", "Alice");
        bob = discord.createUser("bob", "Bob");
        world = new TunnelWorld("per_user_cooldown_s = 0.0\n" + limitsToml + """
                [discord]
                channel_ids = [%s]
                rest_url = "%s"
                gateway_url = "%s"
                token_file = "%s"
                """.formatted(channel, discord.restUrl(), discord.gatewayUrl(), tokenFile()), asInstalled);
        if (!claudeToml.isEmpty()) {
            Files.writeString(world.config, Files.readString(world.config).replace("unset_api_key = false",
                    "unset_api_key = false\n" + claudeToml));
        }
        project = asInstalled ? world.projectInHome("src/payments-service") : world.project("payments-service");
        expert = world.newSession(project, "Remember this: settlement runs at 02:15 UTC and amounts are in milli-cents.");
        share(">share payments");
    }

    private String tokenFile() throws Exception {
        Path file = Files.createTempFile("discord-token", ".txt");
        Files.writeString(file, discord.token() + "\n");
        file.toFile().deleteOnExit();
        return file.toString();
    }

    /** Types a {@code >share …} prompt into the expert session (through the hook, as Claude Code would run it). */
    void share(String prompt) {
        String json = """
                {"session_id": "%s", "prompt": "%s", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(expert, prompt, project, world.sandbox.transcript(project, expert));
        assertTrue(ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow().contains("block"));
    }

    Settings settings() throws Exception {
        return ConfigLoader.load(Optional.of(world.config.toString()), world.environment(world.sandbox.root()));
    }

    void startDaemon() throws Exception {
        daemon = Daemon.start(settings(), world.environment(world.sandbox.root()), discord.token());
    }

    /** Starts the daemon with {@code PATH} set to {@code path} (e.g. to hide a program from it and its forks). */
    void startDaemonWithPath(String path) throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(world.env());
        env.put("PATH", path);
        daemon = Daemon.start(settings(), new dev.agenttunnel.core.Environment(env, world.sandbox.root()), discord.token());
    }

    void stopDaemon() {
        if (daemon != null) {
            daemon.stop();
            daemon = null;
        }
    }

    /** Alice (or anyone) posts; returns the message id. */
    String post(String channelId, String userId, String text) {
        return discord.postAsUser(channelId, userId, text);
    }

    /** Posts {@code <text>} in the channel and returns the thread the bridge opened from it. */
    String openThread(String userId, String text) {
        String message = post(channel, userId, text);
        return discord.awaitThread(t -> t.starterMessageId().equals(message), WAIT).id();
    }

    PostedMessage awaitBot(String channelId, String containing) {
        return discord.awaitMessage(m -> m.byBot() && m.channelId().equals(channelId) && m.content().contains(containing), WAIT);
    }

    @Override
    public void close() {
        stopDaemon();
        discord.close();
        world.close();
    }
}
