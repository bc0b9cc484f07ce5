package dev.agenttunnel.core.fork;

import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ForkTurn;
import java.io.IOException;

/**
 * Starts warm forks: one long-lived claude per thread that takes question after question on its stdin, so a follow-up
 * pays neither claude's start-up nor the reload of the transcript. What the session says comes back through
 * {@link SessionEvents}, on a thread of the launcher's (never the caller's).
 */
public interface SessionLauncher {
    /**
     * Starts claude as {@code turn} says (the expert with {@code --fork-session} on a thread's first turn, its fork
     * afterwards; the turn's access level decides the flags), marked as {@code threadKey}'s ({@link ForkProcesses}).
     * Nothing is asked yet: see {@link LiveSession#send}.
     */
    LiveSession launch(String threadKey, ForkTurn turn, SessionEvents events) throws IOException, AccessRefusedException;
}
