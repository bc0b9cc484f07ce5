/**
 * Interactive forks in a private tmux server ({@code tmux -L agent-tunnel}), event-driven end to end.
 *
 * <ul>
 *   <li>{@link dev.agenttunnel.tmux.TmuxForks}: the backend of one daemon — the {@link dev.agenttunnel.tmux.TmuxServer},
 *       the {@link dev.agenttunnel.tmux.HookInbox} claude's hooks report to, a {@link dev.agenttunnel.tmux.ControlClient},
 *       trust seeding ({@link dev.agenttunnel.tmux.TrustSeeder}), and the routing of every event to the thread it
 *       concerns.</li>
 *   <li>{@code TmuxSession}: one actor per conversation thread, owning its window; each phase of a turn (launching,
 *       submitting, answering, settling, between turns) is a behaviour, and the window is closed when it stops or
 *       restarts.</li>
 *   <li>{@link dev.agenttunnel.tmux.TmuxFork}: the thread's {@code ForkBackend}, a thin face over its session; the
 *       window outlives a turn, so follow-ups are pasted into the same claude.</li>
 * </ul>
 * Readiness, submission and completion come from claude's own hooks (SessionStart, UserPromptSubmit, Stop,
 * StopFailure, given with {@code --settings}) through a FIFO, closed windows and pane output from tmux control mode,
 * and claude's exit from the window's {@code pane-died} hook; timeouts are only the backstop.
 */
package dev.agenttunnel.tmux;
