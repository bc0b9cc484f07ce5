package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.store.ThreadRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code agent-tunnel status}: one line per thread, least recently used first. */
class StatusCommandTest {
    TunnelWorld world;
    ThreadFixtures threads;
    Path project;

    @BeforeEach
    void open() {
        world = new TunnelWorld();
        threads = new ThreadFixtures(world);
        project = world.sandbox.newDirectory("ledger");
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void saysSoWhenThereAreNoThreads() {
        TunnelWorld.CliResult r = world.cli("status");
        assertEquals(0, r.code(), r.describe());
        assertEquals("No threads yet.\n", r.out());
    }

    @Test
    void listsThreadsLeastRecentlyUsedFirst() throws Exception {
        Instant now = Instant.now();
        threads.fork("th:1", "payments", project, "", Backend.TMUX, "0123456789abcdef", "payments-0001", "ann",
                now.minus(30, ChronoUnit.MINUTES));
        threads.bind("cli:new", "ops", project, "", Backend.HEADLESS, "", now.minus(5, ChronoUnit.MINUTES));
        threads.fork("dm:7", "payments", project, "", Backend.HEADLESS, "fedcba9876543210", "", "bob",
                now.minus(2, ChronoUnit.HOURS));

        TunnelWorld.CliResult r = world.cli("status");

        assertEquals(0, r.code(), r.describe());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.describe());
        assertTrue(lines[0].matches("dm:7: handle=payments fork=fedcba98 backend=headless asker=bob idle=12[01]m"), lines[0]);
        assertTrue(lines[1].matches("th:1: handle=payments fork=01234567 backend=tmux asker=ann idle=3[01]m window=payments-0001 \\(closed\\)"), lines[1]);
        assertTrue(lines[2].matches("cli:new: handle=ops fork=pending backend=headless asker=- idle=[56]m"), lines[2]);
    }

    @Test
    void aTmuxThreadShowsItsWindowLiveWhenItRunsOnThePrivateServer() throws Exception {
        threads.bind("th:5", "payments", project, "", Backend.TMUX, "ann", Instant.now());
        String window = dev.agenttunnel.tmux.WindowNames.of("payments", "th:5");
        assertTrue(world.cli("status").out().strip().endsWith("idle=0m"), "no window yet");
        world.tmux("new-session", "-d", "-s", world.tmuxSession, "-n", window);
        TunnelWorld.CliResult r = world.cli("status");
        assertTrue(r.out().strip().endsWith("window=" + window + " (live)"), r.describe());
    }

    @Test
    void aLineShowsDashesForWhatIsUnknownAndTheConfiguredBackendForLegacyRecords() {
        ThreadRecord legacy = new ThreadRecord("th:9", "", "e", "/w", "", AccessLevel.READ, "", Optional.empty(), "", "",
                1000.0, 1000.0);
        assertEquals("th:9: handle=- fork=pending backend=headless asker=- idle=2m",
                StatusCommand.line(legacy, Backend.HEADLESS, 1000.0 + 150, false), "2.5 rounds to even");
        assertEquals("th:9: handle=- fork=pending backend=tmux asker=- idle=0m", StatusCommand.line(legacy, Backend.TMUX, 1000.0, false));
        assertEquals("th:9: handle=- fork=pending backend=tmux asker=- idle=4m", StatusCommand.line(legacy, Backend.TMUX, 1000.0 + 210, false),
                "3.5 rounds to even, as the Python tool prints it");
    }
}
