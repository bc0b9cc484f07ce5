package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.config.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code agent-tunnel resume}: picks a fork and runs {@code claude --resume <fork>} attached to the terminal. A fake
 * {@code claude} first on PATH records its argv, cwd and CLAUDE_CONFIG_DIR and exits 7. In-process runs stand at a
 * terminal where the person types what {@link TunnelWorld#cliAtTerminal} is given; others run under a pseudo-terminal.
 */
class ResumeCommandTest {
    static final String NEWER = "aaaaaaaa-1111-4111-8111-111111111111";
    static final String OLDER = "bbbbbbbb-2222-4222-8222-222222222222";

    TunnelWorld world;
    ThreadFixtures threads;
    Path project;
    Path work;
    Path record;

    @BeforeEach
    void open() throws Exception {
        world = new TunnelWorld();
        threads = new ThreadFixtures(world);
        project = world.sandbox.newDirectory("ledger");
        work = world.sandbox.newDirectory("claude-work");
        record = world.sandbox.root().resolve("claude-ran.txt");
        Path fake = world.bin.resolve("claude");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                { echo "argv=$*"; echo "cwd=$(pwd -P)"; echo "config_dir=${CLAUDE_CONFIG_DIR-<unset>}"; } > '%s'
                exit 7
                """.formatted(record));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        String config = Files.readString(world.config);
        Files.writeString(world.config, config.replace("binary = \"" + world.sandbox.claudeBinary() + "\"", "binary = \"claude\""));
        assertTrue(Files.readString(world.config).contains("binary = \"claude\""), "the fake is found on PATH");
    }

    @AfterEach
    void close() {
        world.close();
    }

    void seedTwoForks() throws Exception {
        Instant now = Instant.now();
        threads.fork("th:1", "payments", project, work.toString(), Backend.HEADLESS, OLDER, "", "ann", now.minus(2, ChronoUnit.HOURS));
        threads.fork("th:2", "payments", project, work.toString(), Backend.HEADLESS, NEWER, "", "bob", now.minus(5, ChronoUnit.MINUTES));
        ThreadFixtures.transcript(work, project, NEWER, 2);
    }

    Map<String, String> ran() throws Exception {
        Map<String, String> seen = new HashMap<>();
        for (String line : Files.readAllLines(record)) {
            int eq = line.indexOf('=');
            seen.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return seen;
    }

    @Test
    void resumesTheMostRecentForkInItsProjectAndConfigDirAndExitsWithClaudesCode() throws Exception {
        seedTwoForks();

        TunnelWorld.CliResult r = world.cliAtTerminal("\n", "resume", "Payments");

        assertEquals(7, r.code(), r.describe());
        Map<String, String> ran = ran();
        assertEquals("--resume " + NEWER, ran.get("argv"));
        assertEquals(project.toString(), ran.get("cwd"));
        assertEquals(work.toString(), ran.get("config_dir"));
        List<String> err = r.err().lines().toList();
        assertEquals("handle 'payments' has 2 forks (resuming the most recent, ←):", err.get(0), r.describe());
        assertEquals("  ← payments [claude-work]  asker=bob  5m ago  2 turns  fork=aaaaaaaa", err.get(1));
        assertEquals("    payments [claude-work]  asker=ann  2h ago  ? turns  fork=bbbbbbbb", err.get(2));
        assertTrue(err.get(3).contains("--fork"), r.describe());
        assertTrue(err.get(4).startsWith("Press Enter to open fork aaaaaaaa in claude"), r.describe());
        assertTrue(r.err().endsWith("Resumed fork aaaaaaaa of 'payments' (asked by bob); it has 2 forks, `agent-tunnel resume "
                + "payments --fork <id prefix>` opens another.\n"), "said again once claude's screen is gone: " + r.describe());
    }

    @Test
    void resumingAForkWhoseTmuxWindowIsLiveSaysSo() throws Exception {
        threads.fork("th:3", "ops", project, work.toString(), Backend.TMUX, OLDER, "ops-0003", "ann", Instant.now());
        world.tmux("new-session", "-d", "-s", world.tmuxSession, "-n", "ops-0003");

        TunnelWorld.CliResult r = world.cliAtTerminal("\n", "resume", "ops");

        assertEquals(7, r.code(), r.describe());
        assertTrue(r.err().contains("this fork also runs in window ops-0003") && r.err().contains("forget --thread th:3"), r.describe());
        assertTrue(r.err().contains("Press Enter"), "the warning waits to be read: " + r.describe());
        assertTrue(r.err().lines().toList().getLast().contains("this fork also runs in window ops-0003"), "and is said again after: "
                + r.describe());
    }

    @Test
    void forkPicksTheForkByIdPrefix() throws Exception {
        seedTwoForks();

        TunnelWorld.CliResult r = world.cliAtTerminal("", "resume", "payments", "--fork", "bbbb");

        assertEquals(7, r.code(), r.describe());
        assertEquals("--resume " + OLDER, ran().get("argv"));
        assertEquals("", r.err(), "no list when the fork is chosen");
    }

    @Test
    void anUnknownForkPrefixIsAnErrorAndRunsNothing() throws Exception {
        seedTwoForks();

        TunnelWorld.CliResult r = world.cli("resume", "payments", "--fork", "ffff");

        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("No fork of 'payments' starts with 'ffff'") && r.err().contains("aaaaaaaa, bbbbbbbb"), r.describe());
        assertFalse(Files.exists(record));
    }

    @Test
    void aHandleWithoutForksIsAnError() throws Exception {
        threads.bind("th:3", "payments", project, "", Backend.HEADLESS, "cat", Instant.now());

        TunnelWorld.CliResult r = world.cli("resume", "payments");

        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("No fork sessions for handle 'payments'."), r.describe());
        assertFalse(Files.exists(record));
    }

    @Test
    void aForkInTheDefaultConfigDirRunsWithoutClaudeConfigDir() throws Exception {
        threads.fork("th:1", "payments", project, world.sandbox.configDir().toString(), Backend.HEADLESS, NEWER, "", "ann",
                Instant.now());
        Map<String, String> env = new HashMap<>(world.env());
        env.put("CLAUDE_CONFIG_DIR", work.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new dev.agenttunnel.core.Environment(env, world.sandbox.root()), new PrintWriter(out),
                new PrintWriter(err), java.util.Optional.of(new java.io.BufferedReader(new java.io.StringReader("")))),
                "resume", "payments", "--config", world.config.toString());

        assertEquals(7, code, err.toString());
        assertEquals("<unset>", ran().get("config_dir"), "setting it to ~/.claude would move claude's state file");
    }

    @Test
    void aMissingProjectFolderIsAnError() throws Exception {
        threads.fork("th:1", "payments", world.sandbox.root().resolve("gone"), "", Backend.HEADLESS, NEWER, "", "ann", Instant.now());

        TunnelWorld.CliResult r = world.cli("resume", "payments");

        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("Cannot enter " + world.sandbox.root().resolve("gone")), r.describe());
        assertFalse(Files.exists(record));
    }

    /**
     * Ctrl-C reaches the whole foreground group: claude decides what it means, and the waiting command must live on
     * to report claude's exit code (dying would hand the terminal back to the shell under a running claude).
     */
    @Test
    void anInterruptReachesClaudeWithItsDefaultMeaningWhileTheCommandSurvivesIt() throws Exception {
        threads.fork("th:1", "payments", project, "", Backend.HEADLESS, NEWER, "", "ann", Instant.now());
        Path started = world.sandbox.root().resolve("claude-started");
        Path release = world.sandbox.root().resolve("claude-may-exit");
        Path fake = world.bin.resolve("claude");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                trap -p INT > '%s.trap'
                echo $$ > '%s.tmp' && mv '%s.tmp' '%s'
                parent=$PPID
                while [[ ! -e '%s' ]] && kill -0 "$parent" 2>/dev/null; do sleep 0.05; done
                exit 5
                """.formatted(started, started, started, started, release));
        com.pty4j.PtyProcess command = world.atTerminal("resume", "payments");
        try {
            new TerminalScreen(command.getInputStream()); // keeps the terminal's output drained
            awaitFile(started, command);
            kill("-INT", command.pid());
            assertFalse(command.waitFor(1, java.util.concurrent.TimeUnit.SECONDS), "an interrupt does not end the command");
            Files.writeString(release, "");
            assertTrue(command.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the command ends when claude does");
            assertEquals(5, command.exitValue(), "the command outlived the interrupt and passed claude's code on");
            assertEquals("", Files.readString(Path.of(started + ".trap")), "claude gets SIGINT's default meaning, not an ignored one");
        } finally {
            Files.writeString(release, "");
            command.destroyForcibly();
        }
    }

    private static void awaitFile(Path file, Process command) throws Exception {
        dev.agenttunnel.testkit.Eventually.await(java.time.Duration.ofSeconds(30), "claude started (" + file + ")", () -> {
            assertTrue(command.isAlive() || Files.exists(file), "the command ended before starting claude");
            return Files.exists(file);
        });
    }

    private static void kill(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor());
    }

    @Test
    void withoutATerminalItRefusesBeforeStartingClaude() throws Exception {
        seedTwoForks();

        TunnelWorld.CliResult r = world.cli("resume", "payments");

        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("needs this command's input and output to be a terminal") && r.err().contains("agent-tunnel forks payments"),
                r.describe());
        assertFalse(Files.exists(record), "claude was not started");
    }

    /**
     * The real claude, given a real fork but no terminal, fails with its own puzzling words ("No deferred tool marker
     * …"); resume refuses first, in its own words, without starting it.
     */
    @Test
    void aPipedResumeOfARealForkRefusesInsteadOfPassingOnClaudesError() throws Exception {
        Files.writeString(world.config, Files.readString(world.config).replace("binary = \"claude\"",
                "binary = \"" + world.sandbox.claudeBinary() + "\""));
        Path real = world.project("real-project");
        String session = world.newSession(real, "remember the word PELICAN");
        threads.fork("th:1", "payments", real, world.sandbox.configDir().toString(), Backend.HEADLESS, session, "", "ann", Instant.now());
        int requests = world.api.requests().size();

        ProcessBuilder builder = new ProcessBuilder(world.bin.resolve("agent-tunnel").toString(), "resume", "payments",
                "--config", world.config.toString()).directory(world.sandbox.root().toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(world.env());
        Process piped = builder.start();
        piped.getOutputStream().close();
        String said = new String(piped.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertTrue(piped.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), said);
        assertEquals(ExitCodes.REFUSED, piped.exitValue(), said);
        assertTrue(said.contains("needs this command's input and output to be a terminal"), said);
        assertFalse(said.toLowerCase(java.util.Locale.ROOT).contains("deferred tool marker"), said);
        assertEquals(requests, world.api.requests().size(), "claude was not started");
    }

    /**
     * At a real terminal claude takes the screen over (it clears it): the fork list waits for Enter before claude starts,
     * and its gist is said again after claude exits.
     */
    @Test
    void underAPseudoTerminalTheForkListWaitsForEnterAndIsSummedUpAfterClaude() throws Exception {
        seedTwoForks();
        Path fake = world.bin.resolve("claude");
        Files.writeString(fake, Files.readString(fake).replace("exit 7", "printf '\\033[2J\\033[Hclaude ran\\n'\nexit 7"));

        com.pty4j.PtyProcess person = world.atTerminal("resume", "payments");
        try {
            TerminalScreen screen = new TerminalScreen(person.getInputStream());
            java.time.Duration wait = java.time.Duration.ofSeconds(30);
            screen.await(wait, text -> text.contains("Press Enter to open fork aaaaaaaa in claude"), "the question before claude");
            assertTrue(screen.text().contains("handle 'payments' has 2 forks") && screen.text().contains("asker=ann"), screen.text());
            assertTrue(person.isAlive() && !Files.exists(record), "claude waits for Enter: " + screen.text());

            person.getOutputStream().write("\r".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            person.getOutputStream().flush();

            assertTrue(person.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), screen.text());
            assertEquals(7, person.exitValue(), screen.text());
            screen.await(wait, text -> text.contains("opens another."), "the summary");
            String text = screen.text();
            assertTrue(text.lastIndexOf("Resumed fork aaaaaaaa of 'payments'") > text.lastIndexOf("claude ran"),
                    "the summary comes after claude's screen: " + text);
            assertEquals("--resume " + NEWER, ran().get("argv"));
        } finally {
            person.destroyForcibly();
        }
    }

    @Test
    void aMissingClaudeIsAClaudeFailure() throws Exception {
        threads.fork("th:1", "payments", project, "", Backend.HEADLESS, NEWER, "", "ann", Instant.now());
        Files.writeString(world.config, Files.readString(world.config).replace("binary = \"claude\"", "binary = \"no-such-claude\""));

        TunnelWorld.CliResult r = world.cli("resume", "payments");

        assertEquals(ExitCodes.CLAUDE_FAILED, r.code(), r.describe());
        assertTrue(r.err().contains("claude (no-such-claude) not found"), r.describe());
    }
}
