package dev.agenttunnel.core.fork;

/** What a {@link LiveSession} reports; called from the session's reader thread, so implementations hand it on. */
public interface SessionEvents {
    /** A turn ended: claude's answer, or its error (with what the turn cost, measured per turn). */
    void answered(TurnOutcome outcome);

    /** What the fork is doing now, in words for the person waiting ("Reading `src/auth.ts`"). */
    default void activity(String what) {
    }

    /** The process is gone; {@code why} says how (exit code and the tail of what it printed), worded for the owner. */
    void ended(String why);
}
