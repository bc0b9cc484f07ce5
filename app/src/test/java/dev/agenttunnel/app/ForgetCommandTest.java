package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.turn.TurnFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code agent-tunnel forget}: bindings go, and so do the threads' uploads and outboxes; fork ids stay known. */
class ForgetCommandTest {
    TunnelWorld world;
    ThreadFixtures threads;
    Path project;

    @BeforeEach
    void open() throws Exception {
        world = new TunnelWorld();
        threads = new ThreadFixtures(world);
        project = world.sandbox.newDirectory("ledger");
        Instant now = Instant.now();
        threads.fork("th:1", "payments", project, "", Backend.HEADLESS, "fork-1", "", "ann", now);
        threads.fork("th:2", "payments", project, "", Backend.TMUX, "fork-2", "payments-0002", "bob", now);
        threads.bind("cli:x", "ops", project, "", Backend.HEADLESS, "cli", now);
        for (String key : new String[] {"th:1", "th:2", "cli:x"}) {
            Files.createDirectories(TurnFolders.uploadsDir(threads.stateDir(), key).resolve("0badf00d"));
            Files.writeString(TurnFolders.uploadsDir(threads.stateDir(), key).resolve("0badf00d/report.pdf"), "pdf");
            Files.writeString(TurnFolders.prepareOutbox(project, key, dev.agenttunnel.core.AccessLevel.WRITE).orElseThrow()
                    .resolve("answer.md"), "md");
        }
    }

    @AfterEach
    void close() {
        world.close();
    }

    boolean foldersExist(String key) {
        return Files.exists(TurnFolders.uploadsDir(threads.stateDir(), key)) || Files.exists(TurnFolders.outboxDir(project, key));
    }

    @Test
    void needsExactlyOneTarget() throws Exception {
        String[][] wrong = {{"forget"}, {"forget", "--all", "--handle", "payments"}, {"forget", "--thread", "th:1", "--handle", "x"}};
        for (String[] args : wrong) {
            TunnelWorld.CliResult r = world.cli(args);
            assertEquals(ExitCodes.USAGE, r.code(), r.describe());
            assertTrue(r.err().contains("exactly one of --thread KEY, --handle H or --all"), r.describe());
        }
        assertEquals(3, threads.store().all().size(), "nothing was forgotten");
    }

    @Test
    void forgetsOneThreadAndItsFolders() throws Exception {
        TunnelWorld.CliResult r = world.cli("forget", "--thread", "th:1");

        assertEquals(0, r.code(), r.describe());
        assertEquals("Forgot th:1\n", r.out());
        assertEquals(Set.of("th:2", "cli:x"), threads.store().all().keySet());
        assertFalse(foldersExist("th:1"));
        assertTrue(foldersExist("th:2"));
        assertTrue(Files.exists(project.resolve(TurnFolders.OUTBOX_ROOT).resolve(".gitignore")), "the outbox root stays");
        assertTrue(threads.store().knownForkIds().contains("fork-1"), "its fork is still known, never taken for a session");
    }

    @Test
    void anUnknownThreadIsAnError() throws Exception {
        TunnelWorld.CliResult r = world.cli("forget", "--thread", "th:404");

        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("No thread 'th:404'"), r.describe());
        assertEquals("", r.out());
    }

    @Test
    void forgetsEveryThreadOfAHandle() throws Exception {
        TunnelWorld.CliResult r = world.cli("forget", "--handle", "PAYMENTS");

        assertEquals(0, r.code(), r.describe());
        assertEquals(Set.of("Forgot th:1", "Forgot th:2"), Set.copyOf(r.out().lines().toList()));
        assertEquals(Set.of("cli:x"), threads.store().all().keySet());
        assertFalse(foldersExist("th:1") || foldersExist("th:2"));
        assertTrue(foldersExist("cli:x"));

        assertEquals("No threads for handle 'payments'.\n", world.cli("forget", "--handle", "payments").out());
    }

    @Test
    void forgettingATmuxThreadClosesItsWindowAndNoOther() throws Exception {
        world.tmux("new-session", "-d", "-s", world.tmuxSession, "-n", "shell");
        world.tmux("new-window", "-d", "-t", "=" + world.tmuxSession + ":", "-n", "payments-0002");
        world.tmux("new-window", "-d", "-t", "=" + world.tmuxSession + ":", "-n", "other-0003");

        TunnelWorld.CliResult r = world.cli("forget", "--thread", "th:2");

        assertEquals(0, r.code(), r.describe());
        assertEquals("", r.err(), r.describe());
        assertEquals(List.of("shell", "other-0003"), world.tmux("list-windows", "-t", "=" + world.tmuxSession, "-F", "#{window_name}").lines().toList());
    }

    @Test
    void forgetsEverything() throws Exception {
        TunnelWorld.CliResult r = world.cli("forget", "--all");

        assertEquals(0, r.code(), r.describe());
        assertEquals(3, r.out().lines().filter(l -> l.startsWith("Forgot ")).count(), r.describe());
        assertTrue(threads.store().all().isEmpty());
        assertFalse(foldersExist("th:1") || foldersExist("th:2") || foldersExist("cli:x"));

        TunnelWorld.CliResult again = world.cli("forget", "--all");
        assertEquals(0, again.code());
        assertEquals("Nothing to forget.\n", again.out());
    }
}
