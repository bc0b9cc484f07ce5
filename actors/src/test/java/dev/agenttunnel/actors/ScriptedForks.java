package dev.agenttunnel.actors;

import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A fake of our own fork port: every started turn waits until the test answers or fails it. */
final class ScriptedForks implements ForkBackend {
    static final class Turn implements RunningTurn {
        final TurnRequest request;
        final CompletableFuture<TurnOutcome> outcome = new CompletableFuture<>();
        volatile String cancelledBecause;

        Turn(TurnRequest request) {
            this.request = request;
        }

        void answer(String forkId, String text) {
            outcome.complete(new TurnOutcome.Answered(forkId, text, dev.agenttunnel.core.fork.TurnCost.UNKNOWN, Duration.ofMillis(1)));
        }

        void fail(String message) {
            outcome.complete(new TurnOutcome.Failed(message, Optional.empty(), Duration.ofMillis(1)));
        }

        @Override
        public CompletionStage<TurnOutcome> outcome() {
            return outcome;
        }

        @Override
        public void cancel(String why) {
            cancelledBecause = why;
            outcome.complete(new TurnOutcome.Failed(why, Optional.empty(), Duration.ZERO));
        }
    }

    private final List<Turn> turns = new ArrayList<>();
    private final List<String> reaped = new ArrayList<>();
    /** The window name forks claim to keep between turns, as the tmux backend's do ("" keeps none). */
    volatile String window = "";

    @Override
    public String tmuxWindow() {
        return window;
    }

    /** As {@link ForkBackends#reap}: records the thread and reports a window closed. */
    synchronized boolean reap(String threadKey) {
        reaped.add(threadKey + (turns.stream().anyMatch(t -> !t.outcome.isDone()) ? " while a turn ran" : ""));
        notifyAll();
        return true;
    }

    synchronized List<String> reaped() {
        return List.copyOf(reaped);
    }

    /** Like a probe's {@code expectNoMessage}: fails if a reap comes within {@code window}. */
    synchronized void expectNoReap(Duration window) throws InterruptedException {
        int before = reaped.size();
        Instant end = Instant.now().plus(window);
        for (long left = window.toMillis(); left > 0; left = Duration.between(Instant.now(), end).toMillis()) {
            wait(left);
        }
        if (reaped.size() != before) {
            throw new AssertionError("unexpected reap: " + reaped);
        }
    }

    /** Waits for the n-th reap (1-based). */
    synchronized String awaitReap(int n) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (reaped.size() < n) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new AssertionError("reap " + n + " never came; " + reaped);
            }
            wait(left);
        }
        return reaped.get(n - 1);
    }

    @Override
    public synchronized RunningTurn start(TurnRequest request) {
        Turn turn = new Turn(request);
        turns.add(turn);
        notifyAll();
        return turn;
    }

    synchronized int started() {
        return turns.size();
    }

    /** Waits for the n-th turn (1-based) to start. */
    synchronized Turn awaitTurn(int n) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (turns.size() < n) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw new AssertionError("turn " + n + " never started; " + turns.size() + " did");
            }
            wait(left);
        }
        return turns.get(n - 1);
    }
}
