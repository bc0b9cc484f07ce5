package dev.agenttunnel.tmux;

import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The tmux backend for one conversation thread, as the {@link ForkBackend} its conversation drives: a thin face over
 * the thread's {@link TmuxSession} actor, whose fork runs as an interactive claude in one window of the private tmux
 * server, named after the handle and the thread ({@link WindowNames}). The window outlives a turn, so a follow-up is
 * pasted into the same claude (warm); a new window resumes the fork (cold) when there is none, when it died, or when
 * the turn needs other flags (e.g. the access level changed). One turn runs at a time; a second {@link #start} while
 * one runs is refused.
 */
public final class TmuxFork implements ForkBackend {
    /** How long a question about the window, or its release, may take (a release waits for claude to exit). */
    private static final Duration CONTROL_WAIT = Duration.ofSeconds(15);
    /** Beyond the turn's own limits: the session always answers first, this only guards against a lost reply. */
    private static final Duration REPLY_MARGIN = Duration.ofSeconds(30);

    private final TmuxForks hub;
    private volatile String windowName;
    private final ActorRef<TmuxSession.Command> session;

    TmuxFork(TmuxForks hub, String windowName, ActorRef<TmuxSession.Command> session) {
        this.hub = hub;
        this.windowName = windowName;
        this.session = session;
    }

    /** The name of this thread's window on the private server. */
    @Override
    public String tmuxWindow() {
        return windowName;
    }

    /** The thread's handle was renamed: its window is called {@code newName} from now on (see {@link TmuxSession.Rename}). */
    void rename(String newName) {
        if (!newName.equals(windowName)) {
            windowName = newName;
            session.tell(new TmuxSession.Rename(newName));
        }
    }

    @Override
    public RunningTurn start(TurnRequest request) {
        if (hub.closing()) {
            return RunningTurn.finished(new TurnOutcome.Failed("agent-tunnel is shutting down; ask again once it is back.",
                    Optional.empty(), Duration.ZERO));
        }
        Duration limit = request.timeout().plus(hub.launchTimeout()).plus(REPLY_MARGIN);
        CompletionStage<TurnOutcome> outcome = AskPattern.<TmuxSession.Command, TurnOutcome>ask(session,
                        replyTo -> new TmuxSession.Ask(request, replyTo), limit, hub.scheduler())
                .exceptionally(lost -> new TurnOutcome.Failed("The tmux backend lost track of this question (" + lost.getMessage()
                        + "); ask again.", Optional.empty(), limit));
        return new RunningTurn() {
            @Override
            public CompletionStage<TurnOutcome> outcome() {
                return outcome;
            }

            @Override
            public void cancel(String why) {
                session.tell(new TmuxSession.Cancel(request, why));
            }
        };
    }

    /** Whether this thread has a window whose claude still runs (the next turn can be warm). Blocks briefly. */
    public boolean hasLiveWindow() {
        return awaitReply(TmuxSession.QueryLive::new).orElse(false); // no reply: the session is gone, so is its window
    }

    /**
     * Closes this thread's window (idle reaping, access change, shutdown); a running turn ends with {@code why}. The
     * fork's transcript stays, so the next turn resumes it cold with its context. Blocks until the window is gone.
     */
    public void release(String why) {
        this.<Done>awaitReply(replyTo -> new TmuxSession.Release(why, false, replyTo));
    }

    /** {@link #release}, and the session actor stops: the thread is forgotten. */
    void stop(String why) {
        this.<Done>awaitReply(replyTo -> new TmuxSession.Release(why, true, replyTo));
    }

    /** Asks the session and waits for its reply; empty when none comes (the session is gone, and its window with it). */
    private <T> Optional<T> awaitReply(java.util.function.Function<ActorRef<T>, TmuxSession.Command> question) {
        try {
            return Optional.of(AskPattern.<TmuxSession.Command, T>ask(session, question::apply, CONTROL_WAIT, hub.scheduler())
                    .toCompletableFuture().get(CONTROL_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        }
    }
}
