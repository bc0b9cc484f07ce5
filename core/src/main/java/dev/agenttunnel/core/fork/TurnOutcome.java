package dev.agenttunnel.core.fork;

import java.time.Duration;
import java.util.Optional;

/** How a turn ended: an answer from the fork, or a failure worded for the person who asked. */
public sealed interface TurnOutcome {
    Duration elapsed();

    /** The fork answered. {@code forkSessionId} is the session to resume next turn. */
    record Answered(String forkSessionId, String text, TurnCost cost, Duration elapsed) implements TurnOutcome {
    }

    /**
     * The turn failed; {@code message} says what happened in words a colleague understands. The fork id is known
     * when claude got far enough to create the fork, so a later turn can still resume it.
     */
    record Failed(String message, Optional<String> forkSessionId, Duration elapsed) implements TurnOutcome {
    }
}
