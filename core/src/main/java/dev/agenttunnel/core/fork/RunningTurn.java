package dev.agenttunnel.core.fork;

import java.util.concurrent.CompletionStage;

/** A turn in progress: its eventual outcome, and a way to stop it. */
public interface RunningTurn {
    /** Completes once, with how the turn ended (a cancelled turn ends as {@link TurnOutcome.Failed}). */
    CompletionStage<TurnOutcome> outcome();

    /** Stops the turn and everything it started; the outcome then completes soon. Idempotent. */
    void cancel(String why);

    /** A turn that has already ended (e.g. refused before starting). */
    static RunningTurn finished(TurnOutcome outcome) {
        return new RunningTurn() {
            @Override
            public CompletionStage<TurnOutcome> outcome() {
                return java.util.concurrent.CompletableFuture.completedFuture(outcome);
            }

            @Override
            public void cancel(String why) {
            }
        };
    }
}
