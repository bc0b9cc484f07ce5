package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.claude.Persona;
import dev.agenttunnel.hooks.ShareHookMain;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code agent-tunnel ask}: the whole pipeline from a published session to an answer, on the real claude. */
class AskThroughForkTest {
    private static final Pattern FORK = Pattern.compile("\\[fork=([0-9a-f-]{36}) (new|follow-up)]");
    TunnelWorld world;
    Path project;
    String expert;

    @BeforeEach
    void publish() {
        world = new TunnelWorld();
        project = world.project("ledger");
        expert = world.newSession(project, "Remember this: the ledger service stores amounts in milli-cents.");
        share(expert, ">share payments");
    }

    @AfterEach
    void close() {
        world.close();
    }

    void share(String session, String prompt) {
        String json = """
                {"session_id": "%s", "prompt": "%s", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(session, prompt, project, world.sandbox.transcript(project, session));
        assertTrue(ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow().contains("\"block\""));
    }

    @Test
    void answersFromAForkThatCarriesTheExpertsContextAndLeavesTheExpertUntouched() throws Exception {
        Path expertTranscript = world.sandbox.transcript(project, expert);
        byte[] before = Files.readAllBytes(expertTranscript);
        world.api.script(Scripts.echo());
        int seen = world.api.mainRequests().size();

        TunnelWorld.CliResult first = world.cli("ask", "How are amounts stored?", "--handle", "payments", "--thread", "t1");
        assertEquals(0, first.code(), first.describe());
        assertTrue(first.out().contains("echo: " + Persona.fromTerminal("How are amounts stored?")), first.describe());
        Matcher m1 = FORK.matcher(first.err());
        assertTrue(m1.find() && m1.group(2).equals("new"), first.describe());
        String fork = m1.group(1);
        assertFalse(fork.equals(expert), "the fork is a new session");

        List<RecordedRequest> asked = world.api.mainRequests().subList(seen, world.api.mainRequests().size());
        assertTrue(asked.stream().anyMatch(r -> r.allText().contains("milli-cents") && r.allText().contains("How are amounts stored?")),
                "the fork's request carries the expert's context");
        assertArrayEquals(before, Files.readAllBytes(expertTranscript), "the expert transcript is byte-identical");

        TunnelWorld.CliResult second = world.cli("ask", "And negative amounts?", "--thread", "t1");
        assertEquals(0, second.code(), second.describe());
        Matcher m2 = FORK.matcher(second.err());
        assertTrue(m2.find() && m2.group(2).equals("follow-up") && m2.group(1).equals(fork), second.describe());
        RecordedRequest last = world.api.mainRequests().getLast();
        assertTrue(last.allText().contains("How are amounts stored?") && last.allText().contains("And negative amounts?"));
        assertArrayEquals(before, Files.readAllBytes(expertTranscript), "still byte-identical after the follow-up");
    }

    @Test
    void aSecondThreadGetsItsOwnFork() {
        TunnelWorld.CliResult a = world.cli("ask", "Q1", "--handle", "payments", "--thread", "a");
        TunnelWorld.CliResult b = world.cli("ask", "Q2", "--handle", "payments", "--thread", "b");
        Matcher ma = FORK.matcher(a.err());
        Matcher mb = FORK.matcher(b.err());
        assertTrue(ma.find() && mb.find(), a.describe() + b.describe());
        assertFalse(ma.group(1).equals(mb.group(1)));
    }

    @Test
    void atATerminalTheAnswerLosesItsControlSequencesButPipedItIsAsTheModelWroteIt() throws Exception {
        String hostile = "Amounts are in milli-cents.\u001B]52;c;cm0gLXJmIH4=\u0007\u001B]0;owned\u001B\\\u001B[2J\u009B3J\r done";
        world.api.script(Scripts.mainOnly(Scripts.text(hostile)));

        TunnelWorld.CliResult piped = world.cli("ask", "How are amounts stored?", "--handle", "payments", "--thread", "piped");
        assertEquals(0, piped.code(), piped.describe());
        assertTrue(piped.out().contains(hostile), piped.describe());

        TunnelWorld.CliResult atTerminal = world.cliAtTerminal("", "ask", "Again?", "--handle", "payments", "--thread", "tty");
        assertEquals(0, atTerminal.code(), atTerminal.describe());
        assertEquals("Amounts are in milli-cents. done\n", atTerminal.out());

        // The real thing: the launcher's stdout is a terminal (its stdin is not).
        com.pty4j.PtyProcess person = world.outputAtTerminal("ask", "Once more?", "--handle", "payments", "--thread", "pty");
        try {
            TerminalScreen screen = new TerminalScreen(person.getInputStream());
            assertTrue(person.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), screen.raw());
            assertEquals(0, person.exitValue(), screen.raw());
            screen.await(java.time.Duration.ofSeconds(10), text -> text.contains("[fork="), "the fork line after the answer");
            String raw = screen.raw();
            assertTrue(raw.contains("Amounts are in milli-cents. done"), raw);
            assertTrue(raw.codePoints().noneMatch(c -> c == 0x1B || c == 0x07 || (c >= 0x80 && c <= 0x9F)), raw);
        } finally {
            person.destroyForcibly();
        }
    }

    @Test
    void unknownAndRevokedHandlesAreRefusedWithoutCallingClaude() {
        int seen = world.api.messageRequests().size();
        TunnelWorld.CliResult unknown = world.cli("ask", "hi", "--handle", "nope");
        assertEquals(ExitCodes.REFUSED, unknown.code(), unknown.describe());
        assertTrue(unknown.err().contains("No live handle 'nope'"), unknown.describe());

        assertEquals(0, world.cli("revoke", "payments").code());
        TunnelWorld.CliResult revoked = world.cli("ask", "hi", "--handle", "payments");
        assertEquals(ExitCodes.REFUSED, revoked.code(), revoked.describe());
        assertEquals(seen, world.api.messageRequests().size());
        assertTrue(world.cli("published").out().contains("No live handles"));
    }

    @Test
    void withTheTmuxBackendConfiguredAskStillAnswersHeadless() throws Exception {
        Files.writeString(world.config, Files.readString(world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        world.api.script(Scripts.echo());
        TunnelWorld.CliResult r = world.cli("ask", "still there?", "--handle", "payments", "--thread", "t3");
        assertEquals(0, r.code(), r.describe());
        assertTrue(r.out().contains("echo: " + Persona.fromTerminal("still there?")), r.describe());
        assertTrue(!world.tmux("list-windows", "-F", "#{window_name}").contains("payments-"), "no tmux window for a one-shot question");
    }
}
