package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.hooks.ShareHookMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An owner who logs claude in with ANTHROPIC_API_KEY only, under the default {@code unset_api_key = true}: every fork
 * fails "Not logged in", and {@code doctor} says so, and how to fix it, before a colleague finds out.
 */
class DoctorLoginTest {
    TunnelWorld world;
    Path project;

    @BeforeEach
    void publish() throws Exception {
        world = new TunnelWorld();
        project = world.project("svc");
        String expert = world.newSession(project, "Remember: the cache TTL is 17 minutes.");
        String json = """
                {"session_id": "%s", "prompt": ">share svc", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(expert, project, world.sandbox.transcript(project, expert));
        ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow();
        Files.writeString(world.config, Files.readString(world.config).replace("unset_api_key = false", "unset_api_key = true"));
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void anApiKeyThatForksLoseWithoutASubscriptionLoginFailsDoctor() {
        TunnelWorld.CliResult ask = world.cli("ask", "What is the TTL?", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, ask.code(), ask.describe());
        assertTrue(ask.err().contains("Not logged in"), "what the heuristic predicts, from the real claude\n" + ask.describe());

        TunnelWorld.CliResult doctor = world.cli("doctor");
        assertEquals(ExitCodes.REFUSED, doctor.code(), doctor.describe());
        assertTrue(doctor.out().contains("✗ Claude login for forks: ANTHROPIC_API_KEY is set, but unset_api_key = true (under [claude]) "
                + "takes it from every fork, and " + world.sandbox.home().resolve(".claude") + " holds no subscription login"), doctor.describe());
        assertTrue(doctor.out().contains("set unset_api_key = false under [claude] in " + world.config), doctor.describe());
    }

    @Test
    void aSubscriptionLoginOrAKeptKeyPasses() throws Exception {
        Path credentials = world.sandbox.home().resolve(".claude/.credentials.json");
        Files.writeString(credentials, "{\"claudeAiOauth\": {}}");
        TunnelWorld.CliResult subscription = world.cli("doctor");
        assertTrue(subscription.out().contains("✓ Claude login for forks: your subscription login"), subscription.describe());

        Files.delete(credentials);
        Files.writeString(world.config, Files.readString(world.config).replace("unset_api_key = true", "unset_api_key = false"));
        TunnelWorld.CliResult key = world.cli("doctor");
        assertTrue(key.out().contains("✓ Claude login for forks: ANTHROPIC_API_KEY from the environment (unset_api_key = false)"),
                key.describe());
    }
}
