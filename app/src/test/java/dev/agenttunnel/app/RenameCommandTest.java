package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.config.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code agent-tunnel rename OLD NEW}: the registry record and the threads bound to it move together. */
class RenameCommandTest {
    TunnelWorld world;
    ThreadFixtures threads;
    Path project;

    @BeforeEach
    void open() throws Exception {
        world = new TunnelWorld();
        threads = new ThreadFixtures(world);
        project = world.sandbox.newDirectory("ledger");
        threads.publish("payments", "11111111-aaaa", project, "payments");
        threads.publish("ops", "22222222-bbbb", project, "Ops team");
        Instant now = Instant.now();
        threads.fork("th:1", "payments", project, "", Backend.HEADLESS, "fork-1", "", "ann", now);
        threads.bind("th:2", "payments", project, "", Backend.HEADLESS, "bob", now);
        threads.bind("th:3", "ops", project, "", Backend.HEADLESS, "cat", now);
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void renamesTheHandleAndItsThreads() throws Exception {
        TunnelWorld.CliResult r = world.cli("rename", "Payments", "Billing");

        assertEquals(0, r.code(), r.describe());
        assertEquals("Renamed 'payments' → 'billing' (registry, 2 fork(s)).\n", r.out());
        assertTrue(world.registry().get("payments").isEmpty());
        assertEquals("billing", world.registry().get("billing").orElseThrow().label());
        assertEquals("billing", threads.store().get("th:1").orElseThrow().handle());
        assertEquals("billing", threads.store().get("th:2").orElseThrow().handle());
        assertEquals("ops", threads.store().get("th:3").orElseThrow().handle());
        assertTrue(world.cli("published").out().contains("billing: 11111111"));
    }

    @Test
    void refusalsExitOneAndChangeNothing() throws Exception {
        byte[] registry = Files.readAllBytes(world.registryPath);
        byte[] state = Files.readAllBytes(threads.statePath());
        String[][] cases = {
            {"ghost", "spirit", "No handle 'ghost' in the registry."},
            {"payments", "ops", "already used"},
            {"payments", "!!!", "Invalid handle '!!!'"},
            {"payments", "x", "Invalid handle 'x'"},
            {"payments", "payments", "already called that"},
        };
        for (String[] c : cases) {
            TunnelWorld.CliResult r = world.cli("rename", c[0], c[1]);
            assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
            assertTrue(r.err().startsWith("Error: ") && r.err().contains(c[2]), r.describe());
        }
        assertArrayEquals(registry, Files.readAllBytes(world.registryPath));
        assertArrayEquals(state, Files.readAllBytes(threads.statePath()));
    }

    /** One set of handle rules: `rename` makes a handle of NEW exactly as `>share NEW` does. */
    @Test
    void theNewNameIsSanitisedAsTheShareHookSanitisesALabel() throws Exception {
        TunnelWorld.CliResult r = world.cli("rename", "payments", "Bad Name");

        assertEquals(0, r.code(), r.describe());
        assertEquals("Renamed 'payments' → 'bad-name' (registry, 2 fork(s)).\n", r.out());
        assertEquals("bad-name", threads.store().get("th:1").orElseThrow().handle());

        Path other = world.sandbox.newDirectory("other");
        String json = "{\"session_id\": \"33333333-cccc\", \"prompt\": \">share Bad_Name!\", \"cwd\": \"" + other
                + "\", \"transcript_path\": \"\"}";
        String said = dev.agenttunnel.hooks.ShareHookMain.run(json, world.environment(other), java.time.Clock.systemUTC()).orElseThrow();
        assertTrue(said.contains("already used"), "the hook makes the same handle of it, held by the renamed record: " + said);
        assertEquals("11111111-aaaa", world.registry().get("bad-name").orElseThrow().sessionId());
    }

    /** A live tmux window of a renamed thread gets the new handle's name, as a new launch would give it. */
    @Test
    void liveTmuxWindowsAreRenamedWithTheirThreads() throws Exception {
        String window = dev.agenttunnel.tmux.WindowNames.of("ops", "th:4");
        threads.fork("th:4", "ops", project, "", Backend.TMUX, "fork-4", window, "dan", Instant.now());
        world.tmux("new-session", "-d", "-s", world.tmuxSession, "-n", window, "sleep 600");

        TunnelWorld.CliResult r = world.cli("rename", "ops", "platform");

        assertEquals(0, r.code(), r.describe());
        assertEquals("Renamed 'ops' → 'platform' (registry, 2 fork(s), 1 tmux window(s)).\n", r.out());
        String renamed = dev.agenttunnel.tmux.WindowNames.of("platform", "th:4");
        assertEquals(java.util.List.of(renamed), world.tmux("list-windows", "-t", "=" + world.tmuxSession, "-F", "#{window_name}")
                .lines().toList());
        assertEquals(renamed, threads.store().get("th:4").orElseThrow().tmuxWindow());
        assertTrue(world.cli("status").out().contains("window=" + renamed + " (live)"), world.cli("status").describe());
    }

    @Test
    void aRevokedHandleCannotBeRenamedButItsNameCanBeTaken() throws Exception {
        assertEquals(0, world.cli("revoke", "ops").code());
        assertTrue(world.cli("rename", "ops", "platform").err().contains("No handle 'ops' in the registry."));

        TunnelWorld.CliResult r = world.cli("rename", "payments", "ops");

        assertEquals(0, r.code(), r.describe());
        assertEquals("11111111-aaaa", world.registry().get("ops").orElseThrow().sessionId());
    }
}
