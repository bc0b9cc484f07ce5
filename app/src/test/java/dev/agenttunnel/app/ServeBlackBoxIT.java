package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.config.DiscordToken;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.discord.GatewayEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                assertTrue(output.contains("agent-tunnel: connected to Discord as " + w.discord.botName() + "; watching #ask-the-experts"), output);
            }
        }
    }

    /**
     * The launcher's class archive: a daemon started without one writes it as it stops (only one that connected, so
     * a failed start leaves none), the next start maps it, and a rebuilt jar makes the launcher drop it.
     */
    @Test
    void theDaemonWritesItsClassArchiveWhenItStopsAndStartsFromItNextTime() throws Exception {
        Path archive = TunnelWorld.REPO.resolve("app/target/serve.jsa");
        Files.deleteIfExists(archive);
        try (ServeWorld w = new ServeWorld("", "")) {
            w.world.api.scriptMain(Scripts.text("answered from a class archive"));
            Process first = startServe(w, "first");
            try {
                w.discord.awaitConnected(ServeWorld.WAIT);
                w.awaitBot(w.openThread(w.alice, "payments first?"), "answered from a class archive");
                assertFalse(Files.exists(archive), "written when serve stops, not before");
            } finally {
                stop(first);
            }
            assertTrue(Files.size(archive) > 1_000_000, "a daemon that connected wrote its class archive as it stopped");

            Process second = startServe(w, "second");
            try {
                w.discord.awaitConnected(ServeWorld.WAIT);
                String maps = Files.readString(Path.of("/proc", String.valueOf(second.pid()), "maps"));
                assertTrue(maps.contains(archive.toString()), "the next daemon starts from it");
                String thread = w.openThread(w.alice, "payments still there?");
                w.awaitBot(thread, "answered from a class archive");
            } finally {
                stop(second);
            }

            Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(TunnelWorld.REPO.resolve("app/target/agent-tunnel-all.jar")).toMillis() - 60_000));
            Process stale = startServe(w, "stale");
            try {
                w.discord.awaitConnected(ServeWorld.WAIT);
                w.awaitBot(w.openThread(w.alice, "payments after a rebuild?"), "answered from a class archive");
                assertFalse(Files.readString(Path.of("/proc", String.valueOf(stale.pid()), "maps")).contains(archive.toString()),
                        "an archive older than the jar is not used");
            } finally {
                stop(stale);
            }
            assertTrue(Files.getLastModifiedTime(archive).toMillis()
                    > Files.getLastModifiedTime(TunnelWorld.REPO.resolve("app/target/agent-tunnel-all.jar")).toMillis(),
                    "a stale archive is replaced by the next daemon that stops");
        }
    }

    private static Process startServe(ServeWorld w, String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(TunnelWorld.REPO.resolve("agent-tunnel").toString(),
                "serve", "--config", w.world.config.toString())
                .directory(w.world.sandbox.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(w.world.sandbox.root().resolve("serve-" + name + ".log").toFile());
        builder.environment().clear();
        builder.environment().putAll(w.world.env());
        return builder.start();
    }

    private static void stop(Process serve) throws Exception {
        serve.destroy();
        boolean stopped = serve.waitFor(15, TimeUnit.SECONDS);
        if (!stopped) {
            serve.destroyForcibly();
        }
        assertTrue(stopped, "serve did not stop within 15 s of SIGTERM");
    }

    /**
     * However the launcher is told the token's variable (the default name, {@code token_env} in the config file given
     * after or before {@code serve}, {@code --token-env NAME}, {@code --token-env=NAME}), the daemon logs in with the token, but the token is
     * nowhere in its environment or command line, where a fork with Bash could read it.
     */
    @Test
    void theLauncherKeepsTheBotTokenOutOfTheDaemonsEnvironment() throws Exception {
        try (ServeWorld w = new ServeWorld("", "")) {
            String config = Files.readString(w.world.config).replaceAll("(?m)^token_file = .*\n", "");
            Files.writeString(w.world.config, config);
            launch(w, "AGENT_TUNNEL_DISCORD_TOKEN", "serve", "--config", w.world.config.toString());
            Files.writeString(w.world.config, config.replace("[discord]\n", "[discord]\ntoken_env = \"AT_CONFIGURED_TOKEN\"  # from the file\n"));
            launch(w, "AT_CONFIGURED_TOKEN", "serve", "--config", w.world.config.toString());
            launch(w, "AT_CONFIGURED_TOKEN", "--config", w.world.config.toString(), "serve");
            launch(w, "AT_GIVEN_TOKEN", "serve", "--token-env", "AT_GIVEN_TOKEN", "--config", w.world.config.toString());
            launch(w, "AT_GIVEN_TOKEN", "serve", "--config=" + w.world.config, "--token-env=AT_GIVEN_TOKEN");
        }
    }

    private static void launch(ServeWorld w, String tokenVariable, String... args) throws Exception {
        int identified = identified(w);
        Path log = w.world.sandbox.root().resolve("serve-" + tokenVariable + ".log");
        List<String> argv = new ArrayList<>(List.of(TunnelWorld.REPO.resolve("agent-tunnel").toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(w.world.sandbox.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(w.world.env());
        builder.environment().put(tokenVariable, w.discord.token());
        Process serve = builder.start();
        String command;
        String environ;
        String cmdline;
        List<ProcessHandle> children;
        boolean stopped;
        try {
            // The emulator records an identify only when it carried its token (a wrong one is closed with 4004).
            Eventually.await(ServeWorld.WAIT, "serve logged in with " + tokenVariable + " (" + String.join(" ", args) + ")",
                    () -> identified(w) > identified);
            command = serve.info().command().orElse("");
            environ = Files.readString(Path.of("/proc", String.valueOf(serve.pid()), "environ"), StandardCharsets.UTF_8);
            cmdline = Files.readString(Path.of("/proc", String.valueOf(serve.pid()), "cmdline"), StandardCharsets.UTF_8);
            children = serve.children().toList();
        } finally {
            serve.destroy();
            stopped = serve.waitFor(15, TimeUnit.SECONDS);
            if (!stopped) {
                serve.destroyForcibly();
            }
        }
        String output = Files.readString(log);
        assertTrue(command.endsWith("/java"), "the launcher execs java, so the daemon keeps its process id: " + command);
        String token = w.discord.token();
        assertFalse(environ.contains(token), "the token is in the daemon's environment\n" + output);
        assertFalse(cmdline.contains(token), "the token is on the daemon's command line");
        assertTrue(environ.contains(DiscordToken.FD_VARIABLE + "="), "handed over on a pipe");
        assertEquals(List.of(), children, "the launcher's pipe writer was waited for");
        assertTrue(stopped, "serve did not stop within 15 s of SIGTERM\n" + output);
        assertFalse(output.contains("agent-tunnel: warning"), output);
    }

    private static int identified(ServeWorld w) {
        return (int) w.discord.gatewayEvents().stream().filter(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED).count();
    }
}
