package dev.agenttunnel.core.fork;

import dev.agenttunnel.core.claude.ForkTurn;
import java.time.Duration;

/** One question for a fork: how to start it, the text to send, and how long it may take. */
public record TurnRequest(ForkTurn turn, String question, Duration timeout) {
    public TurnRequest {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }
}
