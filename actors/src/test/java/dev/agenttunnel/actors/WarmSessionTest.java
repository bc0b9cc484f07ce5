package dev.agenttunnel.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.fork.LiveSession;
import dev.agenttunnel.core.fork.SessionEvents;
import dev.agenttunnel.core.fork.SessionLauncher;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@link WarmSession} driven through a scripted launcher: each phase and the crash paths, with probes. */
class WarmSessionTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    /** A launcher whose sessions are scripted by the test: what they were sent, and when they stop. */
    static final class ScriptedLauncher implements SessionLauncher {
        final LinkedBlockingQueue<Scripted> launched = new LinkedBlockingQueue<>();

        @Override
        public LiveSession launch(String threadKey, ForkTurn turn, SessionEvents events) {
            Scripted session = new Scripted(turn, events);
            launched.add(session);
            return session;
        }

        Scripted next() throws InterruptedException {
            Scripted s = launched.poll(5, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no claude was started");
            }
            return s;
        }
    }

    static final class Scripted implements LiveSession {
        final ForkTurn turn;
        final SessionEvents events;
        final LinkedBlockingQueue<String> sent = new LinkedBlockingQueue<>();
        volatile boolean stopped;

        Scripted(ForkTurn turn, SessionEvents events) {
            this.turn = turn;
            this.events = events;
        }

        @Override
        public void send(String question) throws IOException {
            sent.add(question);
        }

        @Override
        public void stop() {
            if (!stopped) {
                stopped = true;
                events.ended("killed");
            }
        }

        @Override
        public long pid() {
            return 42;
        }

        @Override
        public OptionalLong residentBytes() {
            return OptionalLong.empty();
        }

        String awaitSent() throws InterruptedException {
            String q = sent.poll(5, TimeUnit.SECONDS);
            if (q == null) {
                throw new AssertionError("nothing was sent");
            }
            return q;
        }

        void answer(String fork, String text) {
            events.answered(new TurnOutcome.Answered(fork, text, new dev.agenttunnel.core.fork.TurnCost(0.01, 10, 2), Duration.ofMillis(5)));
        }
    }

    private static ForkTurn turn(String resume, boolean fork, AccessLevel level) {
        return new ForkTurn(resume, fork, level, Path.of("/w/p"), "", List.of(), Optional.empty());
    }

    private TurnRequest request(ForkTurn turn, String question) {
        return new TurnRequest(turn, question, Duration.ofSeconds(30), activity.getRef()::tell);
    }

    private final ScriptedLauncher launcher = new ScriptedLauncher();
    private final TestProbe<WarmPool.Command> pool = KIT.createTestProbe();
    private final TestProbe<TurnOutcome> replies = KIT.createTestProbe();
    private final TestProbe<String> activity = KIT.createTestProbe();

    private ActorRef<WarmSession.Command> session(Duration ttl) {
        return KIT.spawn(WarmSession.create(launcher, pool.getRef(), "th:1", ttl, Runnable::run));
    }

    private void ask(ActorRef<WarmSession.Command> s, ForkTurn turn, String q) {
        s.tell(new WarmSession.Ask(request(turn, q), replies.getRef()));
    }

    @Test
    void aFollowUpGoesToTheSameProcessAndAnotherLevelStartsANewOneOnTheSameFork() throws Exception {
        ActorRef<WarmSession.Command> s = session(Duration.ofMinutes(10));
        ask(s, turn("expert", true, AccessLevel.READ), "one");
        Scripted first = launcher.next();
        assertTrue(first.turn.forkSession());
        assertEquals("one", first.awaitSent());
        pool.expectMessageClass(WarmPool.Warmed.class);
        first.events.activity("Reading `a.txt`");
        activity.expectMessage("Reading `a.txt`");
        first.answer("fork-1", "answer one");
        assertEquals("answer one", ((TurnOutcome.Answered) replies.receiveMessage()).text());

        ask(s, turn("fork-1", false, AccessLevel.READ), "two");
        assertEquals("two", first.awaitSent());
        first.answer("fork-1", "answer two");
        replies.receiveMessage();
        assertTrue(launcher.launched.isEmpty(), "no second claude for a follow-up");

        ask(s, turn("fork-1", false, AccessLevel.WRITE), "three");
        Scripted second = launcher.next();
        assertTrue(first.stopped, "the read-level claude was stopped");
        assertEquals("fork-1", second.turn.resumeId());
        assertEquals(AccessLevel.WRITE, second.turn.access());
        assertEquals("three", second.awaitSent());
        second.answer("fork-1", "answer three");
        replies.receiveMessage();
        KIT.stop(s);
        assertTrue(second.stopped, "stopped with its thread");
    }

    @Test
    void aClaudeThatDiesMidTurnIsStartedAgainOnceThenTheTurnFails() throws Exception {
        ActorRef<WarmSession.Command> s = session(Duration.ofMinutes(10));
        ask(s, turn("expert", true, AccessLevel.READ), "one");
        Scripted first = launcher.next();
        first.awaitSent();
        first.answer("fork-1", "ok");
        replies.receiveMessage();

        ask(s, turn("fork-1", false, AccessLevel.READ), "two");
        first.awaitSent();
        first.stopped = true;
        first.events.ended("claude exited with code 137");
        Scripted again = launcher.next();
        assertEquals("fork-1", again.turn.resumeId(), "the same fork, resumed");
        assertEquals("two", again.awaitSent(), "asked once more");
        again.stopped = true;
        again.events.ended("claude exited with code 137");
        TurnOutcome.Failed failed = (TurnOutcome.Failed) replies.receiveMessage();
        assertTrue(failed.message().contains("stopped before it answered"), failed.message());
        assertEquals(Optional.of("fork-1"), failed.forkSessionId());
    }

    @Test
    void coolingAndTheIdleTtlStopTheProcessAndCancelEndsTheTurn() throws Exception {
        ActorRef<WarmSession.Command> s = session(Duration.ofMillis(300));
        ask(s, turn("expert", true, AccessLevel.READ), "one");
        Scripted first = launcher.next();
        first.awaitSent();
        first.answer("fork-1", "ok");
        replies.receiveMessage();
        pool.fishForMessage(Duration.ofSeconds(5), m -> m instanceof WarmPool.Cooled
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
        assertTrue(first.stopped, "closed once idle past its TTL");

        ask(s, turn("fork-1", false, AccessLevel.READ), "two");
        Scripted second = launcher.next();
        second.awaitSent();
        s.tell(WarmSession.Cool.INSTANCE); // too many warm: cools after the running turn
        second.answer("fork-1", "two");
        replies.receiveMessage();
        assertTrue(second.stopped);

        ask(s, turn("fork-1", false, AccessLevel.READ), "three");
        Scripted third = launcher.next();
        third.awaitSent();
        s.tell(new WarmSession.Cancel("shutting down"));
        assertEquals("shutting down", ((TurnOutcome.Failed) replies.receiveMessage()).message());
        assertTrue(third.stopped);
    }
}
