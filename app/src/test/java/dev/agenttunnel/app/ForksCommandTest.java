package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.files.JsonTrees;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code agent-tunnel forks}: the threads that have a fork, most recent first, as a table or JSON. */
class ForksCommandTest {
    static final String NEWER = "aaaaaaaa-1111-4111-8111-111111111111";
    static final String OLDER = "bbbbbbbb-2222-4222-8222-222222222222";
    static final String OPS = "cccccccc-3333-4333-8333-333333333333";

    TunnelWorld world;
    ThreadFixtures threads;
    Path project;
    Path work;

    @BeforeEach
    void open() throws Exception {
        world = new TunnelWorld();
        threads = new ThreadFixtures(world);
        project = world.sandbox.newDirectory("ledger");
        work = world.sandbox.newDirectory("claude-work");
    }

    @AfterEach
    void close() {
        world.close();
    }

    void seed() throws Exception {
        Instant now = Instant.now();
        threads.fork("th:1", "payments", project, work.toString(), Backend.HEADLESS, OLDER, "", "ann", now.minus(3, ChronoUnit.HOURS));
        threads.fork("th:2", "payments", project, "", Backend.TMUX, NEWER, "payments-0002", "bob", now.minus(10, ChronoUnit.MINUTES));
        threads.fork("cli:x", "ops", project, "", Backend.HEADLESS, OPS, "", "cli", now.minus(5, ChronoUnit.MINUTES));
        threads.bind("th:3", "payments", project, "", Backend.HEADLESS, "cat", now);
        ThreadFixtures.transcript(work, project, OLDER, 3);
        ThreadFixtures.transcript(world.sandbox.configDir(), project, NEWER, 1);
    }

    /** th:2's window, alive on this world's private tmux server (a shell stands in for its claude). */
    void openWindowOfThread2() {
        world.tmux("new-session", "-d", "-s", world.tmuxSession, "-n", "payments-0002");
    }

    @Test
    void printsTheForksOfAHandleAsJsonMostRecentFirst() throws Exception {
        seed();
        openWindowOfThread2();

        TunnelWorld.CliResult r = world.cli("forks", "PAYMENTS", "--json");

        assertEquals(0, r.code(), r.describe());
        assertTrue(r.out().startsWith("[\n  {\n    \"thread_key\": \"th:2\","), "2-space indent\n" + r.out());
        JsonNode rows = JsonTrees.parse(r.out());
        assertEquals(2, rows.size(), r.out());
        JsonNode newer = rows.get(0);
        assertEquals(List.of("thread_key", "handle", "access", "asker", "last_active", "turns", "status", "project", "fork",
                        "cost_usd", "input_tokens", "output_tokens"),
                newer.properties().stream().map(java.util.Map.Entry::getKey).toList());
        assertEquals("th:2", newer.get("thread_key").asText());
        assertEquals("payments", newer.get("handle").asText());
        assertEquals("write", newer.get("access").asText());
        assertEquals("bob", newer.get("asker").asText());
        assertEquals("10m ago", newer.get("last_active").asText());
        assertEquals("1", newer.get("turns").asText(), "turns is a string");
        assertEquals("live", newer.get("status").asText());
        assertEquals("ledger", newer.get("project").asText());
        assertEquals("aaaaaaaa", newer.get("fork").asText());

        JsonNode older = rows.get(1);
        assertEquals("th:1", older.get("thread_key").asText());
        assertEquals("3h ago", older.get("last_active").asText());
        assertEquals("3", older.get("turns").asText(), "only real questions count, read from the thread's own config dir");
        assertEquals("-", older.get("status").asText(), "headless threads hold nothing between turns");
        assertEquals("ledger [claude-work]", older.get("project").asText());
    }

    @Test
    void aForkWithoutATranscriptHasUnknownTurns() throws Exception {
        seed();
        JsonNode rows = JsonTrees.parse(world.cli("forks", "ops", "--json").out());
        assertEquals(1, rows.size());
        assertEquals("?", rows.get(0).get("turns").asText());
    }

    @Test
    void aTmuxForkWhoseWindowIsGoneIsIdle() throws Exception {
        seed();
        JsonNode rows = JsonTrees.parse(world.cli("forks", "payments", "--json").out());
        assertEquals("idle", rows.get(0).get("status").asText(), "no window on the server, whatever state.json recorded");
    }

    @Test
    void printsATableOfEveryFork() throws Exception {
        seed();
        openWindowOfThread2();

        TunnelWorld.CliResult r = world.cli("forks");

        assertEquals(0, r.code(), r.describe());
        String[] lines = r.out().split("\n");
        assertEquals("agent-tunnel forks", lines[0]);
        assertTrue(lines[1].matches("Handle +Access +Asker +Last active +Turns +Status +Project +Fork +Cost"), lines[1]);
        assertEquals(6, lines.length, r.out());
        assertTrue(lines[3].matches("ops +✍️ write +cli +5m ago +\\? +— +ledger +cccccccc +\\$0\\.0000"), lines[3]);
        assertTrue(lines[4].matches("payments +✍️ write +bob +10m ago +1 +● live +ledger +aaaaaaaa +\\$0\\.0000"), lines[4]);
        assertTrue(lines[5].matches("payments +✍️ write +ann +3h ago +3 +— +ledger \\[claude-work] +bbbbbbbb +\\$0\\.0000"), lines[5]);
        assertEquals(TextTable.width(lines[3].substring(0, lines[3].indexOf("cccccccc"))),
                TextTable.width(lines[5].substring(0, lines[5].indexOf("bbbbbbbb"))), "columns line up\n" + r.out());
    }

    @Test
    void saysSoWhenThereAreNoForks() throws Exception {
        threads.bind("th:3", "payments", project, "", Backend.HEADLESS, "cat", Instant.now());
        assertEquals("[]\n", world.cli("forks", "--json").out());
        assertEquals("No fork sessions yet.\n", world.cli("forks").out());
        assertEquals("No fork sessions for handle 'ghost' yet.\n", world.cli("forks", "Ghost").out());
    }

    @Test
    void manageNeedsAnInteractiveTerminal() throws Exception {
        seed();
        TunnelWorld.CliResult r = world.cli("forks", "--manage");
        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("--manage needs an interactive terminal"), r.describe());
        assertEquals(4, threads.store().all().size(), "nothing cleared");
    }

    @Test
    void managePicksForksByNumberAndClearsThemAfterConfirming() throws Exception {
        seed();
        openWindowOfThread2();

        TunnelWorld.CliResult r = world.cliAtTerminal("7\n2, 3\ny\n", "forks", "--manage");

        assertEquals(0, r.code(), r.describe());
        assertTrue(r.out().contains("'7' is not a fork number: use numbers from 1 to 3"), r.describe());
        assertTrue(r.out().contains("Cleared th:2\nCleared th:1\n"), r.describe());
        assertEquals(Set.of("cli:x", "th:3"), threads.store().all().keySet());
        assertFalse(world.tmux("list-windows", "-F", "#{window_name}").contains("payments-0002"), "th:2's window is closed");
    }

    @Test
    void manageClearsNothingUnlessConfirmed() throws Exception {
        seed();
        assertTrue(world.cliAtTerminal("all\n\n", "forks", "--manage").out().endsWith("[y/N] Cancelled.\n"));
        assertTrue(world.cliAtTerminal("\n", "forks", "--manage").out().endsWith("Nothing selected.\n"));
        assertTrue(world.cliAtTerminal("", "forks", "--manage").out().endsWith("Cancelled.\n"), "end of input");
        assertEquals(4, threads.store().all().size());
    }

    @Test
    void manageRunsAtARealTerminalAndRefusesWithoutOne() throws Exception {
        seed();
        String[] command = {world.bin.resolve("agent-tunnel").toString(), "forks", "--manage", "--config", world.config.toString()};
        Process piped = new ProcessBuilder(command).directory(world.sandbox.root().toFile()).redirectErrorStream(true).start();
        piped.getOutputStream().close();
        String said = new String(piped.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(ExitCodes.REFUSED, piped.waitFor(), said);
        assertTrue(said.contains("--manage needs an interactive terminal"), said);

        com.pty4j.PtyProcess person = world.atTerminal("forks", "--manage");
        try {
            TerminalScreen screen = new TerminalScreen(person.getInputStream());
            java.time.Duration wait = java.time.Duration.ofSeconds(30);
            screen.await(wait, text -> text.contains("Enter for none:"), "the picker's question");
            person.getOutputStream().write("3\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            person.getOutputStream().flush();
            screen.await(wait, text -> text.contains("[y/N]"), "the confirmation");
            person.getOutputStream().write("y\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            person.getOutputStream().flush();
            assertTrue(person.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), screen.text());
            assertEquals(0, person.exitValue(), screen.text());
            assertTrue(screen.text().contains("Cleared th:1"), screen.text());
            assertEquals(Set.of("cli:x", "th:2", "th:3"), threads.store().all().keySet());
        } finally {
            person.destroyForcibly();
        }
    }
}
