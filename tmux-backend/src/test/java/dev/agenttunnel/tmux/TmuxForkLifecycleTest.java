package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts, API errors, cancels, shutdown and concurrent threads, on the real tmux and claude. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TmuxForkLifecycleTest {
    private static final Duration TURN = Duration.ofSeconds(60);
    private static final String SLOW = "SLOW-PLEASE";
    private static final String REFUSED = "REFUSE-THIS";

    private final Rig rig = new Rig();
    private Rig.Expert expert;

    @BeforeEach
    void setUp() throws Exception {
        rig.start("");
        rig.api().scriptMain(request -> {
            String text = request.lastUserText();
            if (text.contains(SLOW)) {
                return Reply.delayed(Duration.ofSeconds(40), Reply.text("too late"));
            }
            if (latestText(request).contains(REFUSED)) { // claude retries a 400 once, so refuse every time
                return Reply.error(400, "invalid_request_error", "the fake API refuses this");
            }
            return Reply.text("echo: " + text);
        });
        expert = rig.expert("project");
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void aTurnPastItsTimeoutFailsAndClosesTheWindow() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:1");
        long started = System.nanoTime();

        TurnOutcome.Failed failed = Rig.failed(fork.start(new TurnRequest(first(), SLOW, Duration.ofSeconds(4))), TURN);

        assertTrue(failed.message().startsWith("Timed out after 4 s"), failed.message());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10);
        assertTrue(failed.forkSessionId().isPresent(), "the fork can be resumed");
        assertFalse(rig.server().window(fork.tmuxWindow()).isPresent(), "the window is gone when the failure is told");
    }

    @Test
    void anApiErrorEndsTheTurnWithClaudesWordsAndTheWindowServesTheNextTurn() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:2");
        TurnOutcome.Answered first = rig.answered(fork.start(request(first(), "what word?")), TURN);
        long pid = rig.server().window(fork.tmuxWindow()).orElseThrow().panePid();

        TurnOutcome.Failed failed = Rig.failed(fork.start(request(resume(first.forkSessionId()), REFUSED)), TURN);

        assertTrue(failed.message().contains("the fake API refuses this"), failed.message());
        assertEquals(Optional.of(first.forkSessionId()), failed.forkSessionId());
        TurnOutcome.Answered next = rig.answered(fork.start(request(resume(first.forkSessionId()), "try again")), TURN);
        assertTrue(next.text().endsWith("try again"), next.text());
        assertEquals(pid, rig.server().window(fork.tmuxWindow()).orElseThrow().panePid(), "still the same claude");
    }

    @Test
    void aForkWhoseTranscriptIsGoneEndsAsSessionGone() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:8");
        long started = System.nanoTime();

        TurnOutcome outcome = fork.start(request(resume("11111111-2222-3333-4444-555555555555"), "hello")).outcome()
                .toCompletableFuture().get(TURN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

        // claude prints "No conversation found with session ID: …" and exits (code 1) — or hangs in its exit, which the
        // screen check does not wait for
        TurnOutcome.SessionGone gone = org.junit.jupiter.api.Assertions.assertInstanceOf(TurnOutcome.SessionGone.class, outcome,
                () -> "expected the session to be gone, got " + outcome);
        assertEquals("11111111-2222-3333-4444-555555555555", gone.sessionId());
        assertTrue(gone.fork(), "a follow-up's own fork is what is gone");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 10, "not at the launch timeout");
        assertFalse(rig.server().window(fork.tmuxWindow()).isPresent(), "the dead window was closed");
    }

    @Test
    void cancellingATurnEndsItWithTheReasonAndClosesTheWindow() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:3");
        RunningTurn slow = fork.start(request(first(), SLOW));
        rig.api().awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(SLOW), Duration.ofSeconds(30));

        slow.cancel("The thread was closed.");

        TurnOutcome.Failed failed = Rig.failed(slow, Duration.ofSeconds(10));
        assertEquals("The thread was closed.", failed.message());
        assertFalse(rig.server().window(fork.tmuxWindow()).isPresent());
    }

    @Test
    void aSecondTurnWhileOneRunsIsRefused() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:4");
        RunningTurn slow = fork.start(request(first(), SLOW));

        TurnOutcome.Failed refused = Rig.failed(fork.start(request(first(), "me too")), Duration.ofSeconds(1));

        assertTrue(refused.message().contains("still answering"), refused.message());
        slow.cancel("done");
    }

    @Test
    void shuttingDownEndsRunningTurnsAndClosesTheirWindowsAndTheServerEndsWithThem() throws Exception {
        TmuxFork idle = rig.forks().forThread("payments", "th:5");
        rig.answered(idle.start(request(first(), "what word?")), TURN);
        TmuxFork busy = rig.forks().forThread("payments", "th:6");
        RunningTurn slow = busy.start(request(first(), SLOW));
        rig.api().awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(SLOW), Duration.ofSeconds(30));

        rig.stopForks();

        TurnOutcome.Failed failed = Rig.failed(slow, Duration.ofSeconds(10));
        assertTrue(failed.message().contains("shutting down"), failed.message());
        assertEquals(List.of(), rig.server().windows(), "no fork window is left");
        assertFalse(rig.server().hasSession(), "the private server had only forks, and ends with the last one");
    }

    @Test
    void threadsRunTheirTurnsAtTheSameTimeInWindowsOfTheirOwn() throws Exception {
        TmuxFork one = rig.forks().forThread("payments", "th:111115675");
        TmuxFork two = rig.forks().forThread("payments", "th:222225675");
        assertNotEquals(one.tmuxWindow(), two.tmuxWindow());

        RunningTurn a = one.start(request(first(), "question one"));
        RunningTurn b = two.start(request(first(), "question two"));
        TurnOutcome.Answered first = rig.answered(a, TURN);
        TurnOutcome.Answered second = rig.answered(b, TURN);

        assertTrue(first.text().endsWith("question one") && second.text().endsWith("question two"));
        assertNotEquals(first.forkSessionId(), second.forkSessionId());
        assertTrue(one.hasLiveWindow() && two.hasLiveWindow());
        TurnOutcome.Answered again = rig.answered(one.start(request(resume(first.forkSessionId()), "one more")), TURN);
        assertTrue(again.text().endsWith("one more"));
    }

    @Test
    void aRestartedBackendClosesWindowsLeftByADeadDaemonButNotThoseOfALiveOne() throws Exception {
        TmuxFork fork = rig.forks().forThread("payments", "th:7");
        rig.answered(fork.start(request(first(), "what word?")), TURN);
        TmuxServer.Window live = rig.server().window(fork.tmuxWindow()).orElseThrow();
        rig.server().setWindowOption(live.id(), TmuxServer.OWNER_OPTION, String.valueOf(ProcessHandle.current().pid()));
        TmuxServer.Window orphan = rig.server().newWindow("orphan", expert.project(), List.of("sleep", "60"));
        rig.server().setWindowOption(orphan.id(), TmuxServer.OWNER_OPTION, "999999999");

        rig.start(""); // a second backend on the same server, as `ask` next to `serve`

        assertFalse(rig.server().window("orphan").isPresent());
        assertTrue(rig.server().window(fork.tmuxWindow()).isPresent());
    }

    /**
     * The newest text block of the last user message: after a failed turn claude sends the failed question and the
     * next one in one user message, and only the next one must decide the reply.
     */
    private static String latestText(RecordedRequest request) {
        String latest = "";
        JsonNode content = request.lastUserMessage().map(m -> m.path("content")).orElse(MissingNode.getInstance());
        if (content.isTextual()) {
            return content.asText();
        }
        for (JsonNode block : content) {
            String text = block.path("text").asText("");
            if (block.path("type").asText().equals("text") && !text.startsWith("<system-reminder>")) {
                latest = text;
            }
        }
        return latest;
    }

    private ForkTurn first() {
        return new ForkTurn(expert.id(), true, AccessLevel.READ, expert.project(), "", List.of(), Optional.empty());
    }

    private ForkTurn resume(String forkId) {
        return new ForkTurn(forkId, false, AccessLevel.READ, expert.project(), "", List.of(), Optional.empty());
    }

    private static TurnRequest request(ForkTurn turn, String question) {
        return new TurnRequest(turn, question, TURN);
    }
}
