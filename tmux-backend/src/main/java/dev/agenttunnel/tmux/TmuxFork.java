package dev.agenttunnel.tmux;

import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The tmux backend for one conversation thread: its fork runs as an interactive claude in one window of the private
 * tmux server, named after the handle and the thread ({@link WindowNames}). The window outlives a turn, so a
 * follow-up is pasted into the same claude (warm); a new window resumes the fork (cold) when there is none, when it
 * died, or when the turn needs other flags (e.g. the access level changed). One turn runs at a time; a second
 * {@link #start} while one runs is refused. See {@link TmuxTurn} for how a turn proceeds and ends.
 */
public final class TmuxFork implements ForkBackend {
    private final TmuxForks hub;
    private final String threadKey;
    private final String windowName;
    private final Object lock = new Object();
    private ForkWindow window;
    private TmuxTurn running;

    TmuxFork(TmuxForks hub, String handle, String threadKey) {
        this.hub = hub;
        this.threadKey = threadKey;
        this.windowName = WindowNames.of(handle, threadKey);
    }

    public String threadKey() {
        return threadKey;
    }

    /** The name of this thread's window on the private server. */
    public String windowName() {
        return windowName;
    }

    @Override
    public String tmuxWindow() {
        return windowName;
    }

    @Override
    public RunningTurn start(TurnRequest request) {
        if (hub.closing()) {
            return RunningTurn.finished(new TurnOutcome.Failed("agent-tunnel is shutting down; ask again once it is back.",
                    Optional.empty(), Duration.ZERO));
        }
        TmuxTurn turn = new TmuxTurn(this, hub, request);
        synchronized (lock) {
            if (running != null && !running.outcome().toCompletableFuture().isDone()) {
                return RunningTurn.finished(new TurnOutcome.Failed("This thread's fork is still answering an earlier "
                        + "question; ask again when it is done.", Optional.empty(), Duration.ZERO));
            }
            running = turn;
        }
        hub.execute(turn::begin);
        return turn;
    }

    /** Whether this thread has a window this daemon launched whose claude still runs (the next turn can be warm). */
    public boolean hasLiveWindow() {
        ForkWindow current;
        synchronized (lock) {
            current = window;
        }
        if (current == null || current.ended()) {
            return false;
        }
        try {
            return hub.server().window(current.name).map(w -> w.id().equals(current.windowId()) && !w.paneDead()).orElse(false);
        } catch (TmuxException e) {
            return false;
        }
    }

    /**
     * Closes this thread's window (idle reaping, forget, access change, shutdown); a running turn ends with
     * {@code why}. The fork's transcript stays, so the next turn resumes it cold with its context.
     */
    public void release(String why) {
        TmuxTurn turn;
        ForkWindow current;
        synchronized (lock) {
            turn = running;
            current = window;
        }
        if (turn != null) {
            turn.cancel(why);
        }
        if (current != null) {
            retire(current);
        }
    }

    /** The live window if it can take {@code turn} as a follow-up; otherwise the window is closed and none returned. */
    Optional<ForkWindow> warmWindow(ForkTurn turn, List<String> signature) {
        ForkWindow current;
        synchronized (lock) {
            current = window;
        }
        if (current == null) {
            return Optional.empty();
        }
        boolean sameFork = !turn.forkSession() && turn.resumeId().equals(current.forkId());
        if (sameFork && current.signature.equals(signature) && !current.ended() && hasLiveWindow()) {
            return Optional.of(current);
        }
        retire(current);
        return Optional.empty();
    }

    void adopt(ForkWindow launched) {
        synchronized (lock) {
            window = launched;
        }
    }

    /** Stops routing events to {@code gone} (its window no longer exists). */
    void forget(ForkWindow gone) {
        if (gone == null) {
            return;
        }
        synchronized (lock) {
            if (window == gone) {
                window = null;
            }
        }
        hub.unregister(gone);
    }

    /** Forgets {@code old} and kills its window. */
    void retire(ForkWindow old) {
        forget(old);
        hub.kill(old);
    }

    void finished(TmuxTurn turn) {
        synchronized (lock) {
            if (running == turn) {
                running = null;
            }
        }
    }
}
