package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Black box, the way a user runs it: the packaged {@code ./agent-tunnel serve}, configured only through
 * config.toml (endpoints, token file, channel), answers a question posted into a separately started Discord
 * emulator, and stops within seconds of SIGTERM.
 */
class ServeBlackBoxIT {
    @Test
    void thePackagedDaemonAnswersInDiscordAndStopsOnSigterm() throws Exception {
        try (ServeWorld w = new ServeWorld("", "")) {
            w.world.api.scriptMain(Scripts.text("answer from the packaged daemon"));
            Path log = w.world.sandbox.root().resolve("serve.log");
            ProcessBuilder builder = new ProcessBuilder(TunnelWorld.REPO.resolve("agent-tunnel").toString(),
                    "serve", "--config", w.world.config.toString())
                    .directory(w.world.sandbox.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(w.world.env());
            Process serve = builder.start();
            try {
                w.discord.awaitConnected(ServeWorld.WAIT);
                String thread = w.openThread(w.alice, "payments are you the packaged one?");
                w.awaitBot(thread, "answer from the packaged daemon");
            } finally {
                serve.destroy();
                boolean stopped = serve.waitFor(15, TimeUnit.SECONDS);
                if (!stopped) {
                    serve.destroyForcibly();
                }
                String output = Files.readString(log);
                assertTrue(stopped, "serve did not stop within 15 s of SIGTERM\n" + output);
                assertTrue(output.contains("agent-tunnel: backend=headless"), output);
            }
        }
    }
}
