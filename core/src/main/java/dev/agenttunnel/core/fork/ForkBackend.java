package dev.agenttunnel.core.fork;

/**
 * Runs one turn of a fork. Implementations never block the caller and never complete exceptionally for
 * failures a user should hear about: those are {@link TurnOutcome.Failed} with a message fit for the chat
 * thread. A running turn can be cancelled (daemon shutdown, thread closed): its processes are stopped.
 */
public interface ForkBackend {
    RunningTurn start(TurnRequest request);

    /** The tmux window this fork keeps alive between turns (recorded as the thread's {@code tmux_window}); empty when none. */
    default String tmuxWindow() {
        return "";
    }
}
