package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import dev.agenttunnel.testkit.Json;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tmux backend end to end: the real tmux, the real interactive claude, the fake Anthropic API, an isolated HOME,
 * and a private tmux socket of its own per test (killed afterwards), so nothing touches the user's tmux or claude.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TmuxForkTest {
    private static final Duration TURN = Duration.ofSeconds(60);
    private static final String SLOW = "SLOW-PLEASE";

    private final Rig rig = new Rig();
    private Path project;
    private String expertId;
    private byte[] expertTranscript;

    @BeforeEach
    void setUp() throws Exception {
        rig.start("");
        rig.api().scriptMain(request -> request.lastUserText().contains(SLOW)
                ? Reply.delayed(Duration.ofSeconds(40), Reply.text("too late"))
                : Reply.text("echo: " + request.lastUserText()));
        Rig.Expert expert = rig.expert("project");
        project = expert.project();
        expertId = expert.id();
        expertTranscript = expert.transcript();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void coldTurnAnswersFromAForkOfTheExpertAndLeavesTheExpertUntouched() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:1234567890123456789");

        TurnOutcome.Answered answered = answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));

        assertTrue(answered.text().startsWith("echo: [ref:") && answered.text().endsWith("] what word?"), answered.text());
        assertNotEquals(expertId, answered.forkSessionId());
        RecordedRequest seen = rig.lastMain();
        assertTrue(seen.allText().contains("remember the word PELICAN"), "the fork carried the expert's context");
        // claude 2.1.328 always adds DeferredToolPlaceholder, which is no tool the model can call
        assertEquals(List.of("Glob", "Grep", "Read"), seen.toolNames().stream()
                .filter(name -> !name.equals("DeferredToolPlaceholder")).sorted().toList(), "read access tools only");
        assertTrue(fork.hasLiveWindow());
        assertEquals("payments-th-1234567890123456789", fork.tmuxWindow());
        assertTrue(rig.server().isAlive(fork.tmuxWindow()), "the window is on the private server");
        assertArrayEquals(expertTranscript, Files.readAllBytes(rig.sandbox().transcript(project, expertId)),
                "the expert's transcript is byte-identical");
    }

    @Test
    void followUpIsAnsweredInTheSameWindowAndFork() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:42");
        TurnOutcome.Answered first = answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));
        TmuxServer.Window window = rig.server().window(fork.tmuxWindow()).orElseThrow();

        TurnOutcome.Answered second = answered(fork.start(request(followUp(first, AccessLevel.READ), "and spell it backwards?")));

        assertEquals(first.forkSessionId(), second.forkSessionId());
        assertTrue(second.text().endsWith("] and spell it backwards?"), second.text());
        TmuxServer.Window after = rig.server().window(fork.tmuxWindow()).orElseThrow();
        assertEquals(window.id(), after.id());
        assertEquals(window.panePid(), after.panePid(), "the same claude answered");
        String context = rig.lastMain().allText();
        assertTrue(context.contains("PELICAN") && context.contains("what word?"), "the follow-up saw the whole conversation");
    }

    @Test
    void fiftyLineFollowUpArrivesIntact() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:50");
        TurnOutcome.Answered first = answered(fork.start(request(firstTurn(AccessLevel.READ), "hello")));
        String code = "Why does this fail?\n```java\n"
                + IntStream.rangeClosed(1, 47).mapToObj(i -> "    int v" + i + " = compute(" + i + "); // line " + i)
                        .collect(Collectors.joining("\n"))
                + "\n```";
        assertEquals(50, code.lines().count());

        TurnOutcome.Answered second = answered(fork.start(request(followUp(first, AccessLevel.READ), code)));

        assertEquals(first.forkSessionId(), second.forkSessionId());
        assertTrue(rig.lastMain().lastUserText().contains(code), "the model got all 50 lines, in order:\n" + rig.lastMain().lastUserText());
        assertTrue(second.text().contains(code), second.text());
    }

    @Test
    void questionsStartingWithADashWorkColdAndWarm() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:7");

        TurnOutcome.Answered first = answered(fork.start(request(firstTurn(AccessLevel.READ), "--version -p is this an option?")));
        TurnOutcome.Answered second = answered(fork.start(request(followUp(first, AccessLevel.READ), "-rf what about this?")));

        assertTrue(first.text().endsWith("] --version -p is this an option?"), first.text());
        assertTrue(second.text().endsWith("] -rf what about this?"), second.text());
    }

    @Test
    void neverTrustedProjectFolderIsAnsweredThanksToPreSeededTrust() throws Exception {
        assertFalse(rig.trusted(project), "claude -p does not trust the folder it ran in");
        TmuxFork fork = rig.forks().forThread("payments", "th:8");

        answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));

        assertTrue(rig.trusted(project), () -> "the fork's folder was pre-trusted in $HOME/.claude.json: "
                + Json.read(rig.sandbox().stateFile()).path("projects"));
    }

    @Test
    void aSymlinkedProjectFolderRunsAndIsTrustedUnderItsRealPath() throws Exception {
        Path link = Files.createSymbolicLink(rig.sandbox().root().resolve("project-link"), project);
        TmuxFork fork = rig.forks().forThread("payments", "th:13");

        TurnOutcome.Answered answered = answered(fork.start(request(
                new ForkTurn(expertId, true, AccessLevel.READ, link, "", List.of(), Optional.empty()), "what word?")));

        assertTrue(answered.text().endsWith("what word?"));
        assertTrue(rig.trusted(project), "trusted under the canonical path, the one claude checks");
    }

    @Test
    void aTrustDialogEndsTheTurnWithAClearMessageLongBeforeTheLaunchTimeout() throws Exception {
        rig.stopForks();
        rig.start("claude.auto_trust = false\nlimits.launch_timeout_s = 45");
        TmuxFork fork = rig.forks().forThread("payments", "th:9");
        long started = System.nanoTime();

        TurnOutcome.Failed failed = failed(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));

        assertTrue(failed.message().contains("folder-trust dialog") && failed.message().contains("auto_trust"), failed.message());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 20, "seen on screen, not at the timeout");
        assertFalse(rig.server().window(fork.tmuxWindow()).isPresent(), "the blocked window was closed");
        assertTrue(rig.api().mainRequests().isEmpty(), "nothing reached the model");
    }

    @Test
    void killingTheWindowMidTurnFailsClearlyAndTheNextTurnResumesTheFork() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:10");
        TurnOutcome.Answered first = answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));
        var slow = fork.start(request(followUp(first, AccessLevel.READ), SLOW + " think hard"));
        rig.api().awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(SLOW), Duration.ofSeconds(30));

        rig.server().killWindow(fork.tmuxWindow());

        TurnOutcome.Failed failed = failed(slow, Duration.ofSeconds(10));
        assertTrue(failed.message().contains("window was closed"), failed.message());
        assertEquals(Optional.of(first.forkSessionId()), failed.forkSessionId());
        assertFalse(fork.hasLiveWindow());

        TurnOutcome.Answered next = answered(fork.start(request(followUp(first, AccessLevel.READ), "still there?")));
        assertEquals(first.forkSessionId(), next.forkSessionId(), "the relaunch resumed the same fork");
        assertTrue(rig.lastMain().allText().contains("PELICAN"), "with its context");
    }

    @Test
    void killingThePrivateServerMidTurnFailsClearlyAndTheNextTurnStartsItAgain() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:11");
        var slow = fork.start(request(firstTurn(AccessLevel.READ), SLOW + " think hard"));
        rig.api().awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(SLOW), Duration.ofSeconds(30));

        rig.server().killServer();

        TurnOutcome.Failed failed = failed(slow, Duration.ofSeconds(10));
        assertTrue(failed.message().contains("stopped") || failed.message().contains("closed"), failed.message());
        String forkId = failed.forkSessionId().orElseThrow(() -> new AssertionError("the fork id was known: " + failed));

        TurnOutcome.Answered next = answered(fork.start(request(resume(forkId, AccessLevel.READ), "still there?")));
        assertEquals(forkId, next.forkSessionId());
        assertTrue(rig.server().hasSession(), "the private server was started again");
    }

    @Test
    void claudeDyingMidTurnFailsClearlyAlsoWhenTmuxNeverReportsItsExit() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:13");
        var slow = fork.start(request(firstTurn(AccessLevel.READ), SLOW + " think hard"));
        rig.api().awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(SLOW), Duration.ofSeconds(30));
        TmuxServer.Window window = rig.server().window(fork.tmuxWindow()).orElseThrow();
        // What a tmux that lost the pane's SIGCHLD does: no pane-died hook. Only the backend's own check can see the end.
        rig.server().setWindowHook(window.id(), "pane-died", "run-shell -b true");

        ProcessHandle.of(window.panePid()).orElseThrow().destroyForcibly();

        TurnOutcome.Failed failed = failed(slow, Duration.ofSeconds(10));
        assertTrue(failed.message().startsWith("claude exited") && failed.message().contains("before it answered"), failed.message());
        assertFalse(rig.server().window(fork.tmuxWindow()).isPresent(), "the dead window was closed");
        TurnOutcome.Answered next = answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));
        assertTrue(next.text().contains("what word?"), next.text());
    }

    @Test
    void anAccessChangeRestartsTheWindowOnTheSameForkWithTheNewTools() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:12");
        TurnOutcome.Answered first = answered(fork.start(request(firstTurn(AccessLevel.READ), "what word?")));
        long readPid = rig.server().window(fork.tmuxWindow()).orElseThrow().panePid();

        TurnOutcome.Answered second = answered(fork.start(request(followUp(first, AccessLevel.WRITE), "now write it down")));

        assertEquals(first.forkSessionId(), second.forkSessionId());
        assertNotEquals(readPid, rig.server().window(fork.tmuxWindow()).orElseThrow().panePid(), "a new claude");
        assertTrue(rig.lastMain().toolNames().contains("Write"), rig.lastMain().toolNames().toString());
        assertTrue(rig.lastMain().allText().contains("PELICAN"));
    }

    // ----- helpers -----

    private ForkTurn firstTurn(AccessLevel access) {
        return new ForkTurn(expertId, true, access, project, "", List.of(), Optional.empty());
    }

    private ForkTurn followUp(TurnOutcome.Answered previous, AccessLevel access) {
        return resume(previous.forkSessionId(), access);
    }

    private ForkTurn resume(String forkId, AccessLevel access) {
        return new ForkTurn(forkId, false, access, project, "", List.of(), Optional.empty());
    }

    private static TurnRequest request(ForkTurn turn, String question) {
        return new TurnRequest(turn, question, TURN);
    }

    private TurnOutcome.Answered answered(RunningTurn turn) throws Exception {
        return rig.answered(turn, TURN.plusSeconds(10));
    }

    private static TurnOutcome.Failed failed(RunningTurn turn) throws Exception {
        return Rig.failed(turn, TURN.plusSeconds(10));
    }

    private static TurnOutcome.Failed failed(RunningTurn turn, Duration within) throws Exception {
        return Rig.failed(turn, within);
    }

    /** What claude itself checks (it rewrites the entry while running and drops the other flags we seed). */
    static boolean trustedIn(JsonNode state, Path project) {
        return state.path("projects").path(project.toString()).path("hasTrustDialogAccepted").asBoolean(false);
    }
}
