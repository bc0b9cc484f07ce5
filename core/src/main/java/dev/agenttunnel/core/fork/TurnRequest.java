package dev.agenttunnel.core.fork;

import dev.agenttunnel.core.claude.ForkTurn;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One question for a fork: how to start it, the text to send, how long it may take, and where to say what the fork is
 * doing meanwhile ({@code activity}: "Reading `src/auth.ts`"; called from any thread, so it must only hand it on).
 */
public record TurnRequest(ForkTurn turn, String question, Duration timeout, Consumer<String> activity) {
    public TurnRequest {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        activity = activity == null ? what -> { } : activity;
    }

    /** A request nobody follows the progress of. */
    public TurnRequest(ForkTurn turn, String question, Duration timeout) {
        this(turn, question, timeout, null);
    }
}
