package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.turn.TurnFolders;
import dev.agenttunnel.hooks.ShareHookMain;
import dev.agenttunnel.testkit.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fork's life on the real claude: asked twice, listed by {@code forks} with the turns of its real transcript,
 * followed through a {@code rename}, then {@code forget}-ten.
 */
class ForkLifecycleTest {
    TunnelWorld world;
    Path project;

    @BeforeEach
    void publish() {
        world = new TunnelWorld();
        project = world.project("ledger");
        String expert = world.newSession(project, "Remember this: the ledger service stores amounts in milli-cents.");
        String json = """
                {"session_id": "%s", "prompt": ">share payments", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(expert, project, world.sandbox.transcript(project, expert));
        assertTrue(ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow().contains("\"block\""));
        world.api.script(Scripts.echo());
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void aForkIsListedWithItsRealTurnsFollowsARenameAndIsForgotten() throws Exception {
        TunnelWorld.CliResult first = world.cli("ask", "How are amounts stored?", "--handle", "payments", "--thread", "t1");
        assertEquals(0, first.code(), first.describe());
        TunnelWorld.CliResult second = world.cli("ask", "And negative amounts?", "--thread", "t1");
        assertEquals(0, second.code(), second.describe());

        JsonNode rows = JsonTrees.parse(world.cli("forks", "payments", "--json").out());
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("cli:t1", rows.get(0).get("thread_key").asText());
        assertEquals("3", rows.get(0).get("turns").asText(), "the expert's question and the two asked through the fork");
        assertEquals("ledger [.claude]", rows.get(0).get("project").asText());
        assertTrue(world.cli("status").out().startsWith("cli:t1: handle=payments fork=" + rows.get(0).get("fork").asText()));

        TunnelWorld.CliResult renamed = world.cli("rename", "payments", "billing");
        assertEquals("Renamed 'payments' → 'billing' (registry, 1 fork(s)).\n", renamed.out(), renamed.describe());
        TunnelWorld.CliResult third = world.cli("ask", "And refunds?", "--thread", "t1");
        assertEquals(0, third.code(), third.describe());
        assertTrue(third.err().contains("follow-up"), "the renamed thread keeps its fork\n" + third.describe());
        assertEquals("4", JsonTrees.parse(world.cli("forks", "billing", "--json").out()).get(0).get("turns").asText());

        Path uploads = TurnFolders.uploadsDir(world.sandbox.root().resolve("state"), "cli:t1");
        assertTrue(Files.isDirectory(uploads), "ask prepared the thread's uploads folder");
        TunnelWorld.CliResult forgot = world.cli("forget", "--handle", "billing");
        assertEquals("Forgot cli:t1\n", forgot.out(), forgot.describe());
        assertFalse(Files.exists(uploads));
        assertEquals("No threads yet.\n", world.cli("status").out());
    }
}
