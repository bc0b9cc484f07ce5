package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.discord.GatewayEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * How {@code serve} starts, as a person runs it (its own process, everything it prints): each way it cannot start is
 * one clear paragraph with its own exit code, and a serve that did start says so in one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeStartupTest {
    ServeWorld w;
    String config;
    int run;

    @BeforeAll
    void open() throws Exception {
        w = new ServeWorld("", "");
        config = Files.readString(w.world.config);
    }

    @AfterAll
    void close() {
        w.close();
    }

    @BeforeEach
    void restore() throws IOException {
        Files.writeString(w.world.config, config);
        w.discord.setMessageContentIntentEnabled(true);
    }

    private void edit(String from, String to) throws IOException {
        String now = Files.readString(w.world.config);
        assertTrue(now.contains(from), from);
        Files.writeString(w.world.config, now.replace(from, to));
    }

    private record Exit(int code, String output) {
    }

    private Process start(Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(w.world.bin.resolve("agent-tunnel").toString(), "serve", "--config",
                w.world.config.toString()).directory(w.world.sandbox.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(w.world.env());
        return builder.start();
    }

    /** Runs serve, which must exit by itself; returns its code and everything it printed. */
    private Exit serveExpectingExit() throws Exception {
        Path log = w.world.sandbox.root().resolve("serve-" + (++run) + ".log");
        Process serve = start(log);
        boolean exited = serve.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            serve.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(exited, "serve did not exit\n" + output);
        return new Exit(serve.exitValue(), output);
    }

    /** One paragraph: a single "Error: …" line, no stack trace, no library's log lines. */
    private static void assertOneParagraph(Exit exit, String... contains) {
        String text = exit.output().strip();
        assertEquals(1, text.lines().count(), "not one paragraph:\n" + exit.output());
        assertTrue(text.startsWith("Error: "), exit.output());
        assertFalse(text.contains("Exception") || text.contains("\tat "), exit.output());
        for (String part : contains) {
            assertTrue(text.contains(part), "missing \"" + part + "\" in:\n" + exit.output());
        }
    }

    private long logins() {
        return w.discord.gatewayEvents().stream().filter(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED).count();
    }

    @Test
    void aRejectedTokenIsOneParagraphAndExitsFive() throws Exception {
        Path wrong = w.world.sandbox.root().resolve("wrong-token");
        Files.writeString(wrong, "not-the-bots-token\n");
        edit("token_file = \"", "token_file = \"" + wrong + "\"\n# was: token_file = \"");
        Exit exit = serveExpectingExit();
        assertEquals(ExitCodes.DISCORD_FAILED, exit.code(), exit.output());
        assertOneParagraph(exit, "Discord rejected the bot token", wrong.toString(), "Reset Token");
    }

    @Test
    void anUnreachableDiscordIsOneParagraphAndExitsFive() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        edit("rest_url = \"" + w.discord.restUrl() + "\"", "rest_url = \"http://127.0.0.1:" + closed + "/api/v10/\"");
        Exit exit = serveExpectingExit();
        assertEquals(ExitCodes.DISCORD_FAILED, exit.code(), exit.output());
        assertOneParagraph(exit, "Cannot reach Discord at http://127.0.0.1:" + closed + "/api/v10/", "rest_url");
    }

    @Test
    void aMissingTokenFileIsNamed() throws Exception {
        Path missing = w.world.sandbox.root().resolve("no-such-token-file");
        edit("token_file = \"", "token_file = \"" + missing + "\"\n# was: token_file = \"");
        Exit exit = serveExpectingExit();
        assertEquals(ExitCodes.BAD_FILE, exit.code(), exit.output());
        assertOneParagraph(exit, "The bot token file " + missing + " (token_file under [discord] in " + w.world.config + ") does not exist");
        TunnelWorld.CliResult doctor = w.world.cli("doctor");
        assertTrue(doctor.out().contains("✗ Discord token") && doctor.out().contains(missing + " does not exist"), doctor.describe());
    }

    @Test
    void aMissingMessageContentIntentIsOneParagraphAndExitsFive() throws Exception {
        w.discord.setMessageContentIntentEnabled(false);
        Exit exit = serveExpectingExit();
        assertEquals(ExitCodes.DISCORD_FAILED, exit.code(), exit.output());
        assertOneParagraph(exit, "Message Content", "Privileged Gateway Intents");
    }

    @Test
    void aMissingClaudeStopsServeBeforeItLogsIn() throws Exception {
        edit("binary = \"" + w.world.sandbox.claudeBinary() + "\"", "binary = \"/nonexistent/claude\"");
        long logins = logins();
        Exit exit = serveExpectingExit();
        assertEquals(ExitCodes.CLAUDE_FAILED, exit.code(), exit.output());
        assertOneParagraph(exit, "claude (/nonexistent/claude) was not found", "binary under [claude]");
        assertEquals(logins, logins(), "serve never logged in to Discord");
    }

    @Test
    void aConnectedServeSaysSoInOneLine() throws Exception {
        Path log = w.world.sandbox.root().resolve("serve-connected.log");
        Process serve = start(log);
        try {
            String line = Eventually.await(ServeWorld.WAIT, "serve's connected line", () -> {
                try {
                    return Files.readString(log).lines().filter(l -> l.contains("connected to Discord")).findFirst();
                } catch (IOException e) {
                    return Optional.empty();
                }
            });
            assertEquals("agent-tunnel: connected to Discord as " + w.discord.botName() + "; watching #ask-the-experts ("
                    + w.channel + "); live handles: payments; backend=headless, registry=" + w.world.registryPath, line);
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), Files.readString(log));
        }
    }
}
