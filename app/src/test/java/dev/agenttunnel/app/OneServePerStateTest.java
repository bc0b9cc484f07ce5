package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.discord.GatewayEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One daemon per state folder: a second {@code serve} on the same state exits at once naming the running one, and the
 * lock a killed daemon leaves behind is taken over by the next.
 */
class OneServePerStateTest {
    ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    /** {@code agent-tunnel serve} as its own process (this build, through the world's launcher), output to {@code log}. */
    private Process serve(Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(w.world.bin.resolve("agent-tunnel").toString(), "serve", "--config",
                w.world.config.toString()).directory(w.world.sandbox.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(w.world.env());
        return builder.start();
    }

    private long logins() {
        return w.discord.gatewayEvents().stream().filter(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED).count();
    }

    private Path lockFile() throws Exception {
        return w.settings().tunnel().stateDir().resolve("serve.lock");
    }

    @Test
    void aSecondServeOnTheSameStateExitsAtOnceNamingTheRunningOne() throws Exception {
        w = new ServeWorld("", "");
        w.startDaemon();
        long logins = logins();
        Path log = w.world.sandbox.root().resolve("second-serve.log");
        Process second = serve(log);
        boolean exited = second.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            second.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(exited, "the second serve kept running\n" + output);
        assertEquals(ExitCodes.ALREADY_RUNNING, second.exitValue(), output);
        assertTrue(output.contains("Another agent-tunnel serve is already running on the state in " + w.settings().tunnel().stateDir()
                + " (pid " + ProcessHandle.current().pid() + ", since "), output);
        assertEquals(logins, logins(), "the second serve never logged in to Discord");

        w.world.api.scriptMain(Scripts.text("answered once"));
        String thread = w.openThread(w.alice, "payments are you still there?");
        w.awaitBot(thread, "answered once");
        w.stopDaemon();
        assertFalse(Files.exists(lockFile()), "a clean stop removes the lock file");
        assertEquals(1, w.discord.messagesIn(thread).stream().filter(m -> m.byBot() && m.content().contains("answered once")).count());
    }

    @Test
    void theLockOfAKilledServeIsTakenOver() throws Exception {
        w = new ServeWorld("", "");
        Path log = w.world.sandbox.root().resolve("killed-serve.log");
        Process first = serve(log);
        try {
            w.discord.awaitConnected(ServeWorld.WAIT);
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs, the lock file stays
            first.waitFor();
        }
        assertTrue(Files.readString(lockFile()).contains("\"pid\":" + first.pid() + ","), Files.readString(log));

        w.startDaemon();
        assertTrue(Files.readString(lockFile()).contains("\"pid\":" + ProcessHandle.current().pid() + ","), "the new serve holds it now");
        w.world.api.scriptMain(Scripts.text("back after the crash"));
        String thread = w.openThread(w.alice, "payments are you back?");
        w.awaitBot(thread, "back after the crash");
    }
}
