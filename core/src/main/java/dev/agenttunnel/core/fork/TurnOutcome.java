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

    /**
     * claude has no conversation under the session the turn resumed ("No conversation found with session ID …"): its
     * transcript was deleted or moved. {@code fork} tells whose: the thread's own fork (a follow-up), or else the
     * published session itself (a thread's first turn), which then cannot be forked at all.
     */
    record SessionGone(String sessionId, boolean fork, Duration elapsed) implements TurnOutcome {
    }
}
