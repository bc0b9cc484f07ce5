package dev.agenttunnel.app;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.tmux.TmuxException;
import dev.agenttunnel.tmux.TmuxServer;
import dev.agenttunnel.tmux.WindowNames;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CLI's view of the fork windows on the private tmux server ({@code tmux -L <[tunnel] tmux_session>}): which are
 * alive, and closing the one of a forgotten thread. Without tmux installed there are simply no windows, and closing
 * one says so.
 */
final class ForkWindows {
    private final Optional<TmuxServer> server;
    private final String unavailable;

    private ForkWindows(Optional<TmuxServer> server, String unavailable) {
        this.server = server;
        this.unavailable = unavailable;
    }

    static ForkWindows of(Settings settings, Environment env) {
        try {
            return new ForkWindows(Optional.of(new TmuxServer(settings.tunnel().tmuxSession(), env)), "");
        } catch (TmuxException e) {
            return new ForkWindows(Optional.empty(), e.getMessage());
        }
    }

    /** The window a tmux thread runs in: the one it recorded, else the name its first turn is launched under. */
    static String windowOf(ThreadRecord thread) {
        return thread.tmuxWindow().isEmpty() ? WindowNames.of(thread.handle(), thread.threadKey()) : thread.tmuxWindow();
    }

    /** The names of the windows whose claude still runs; none when the server is not running. */
    Set<String> live() {
        if (server.isEmpty()) {
            return Set.of();
        }
        try {
            return server.get().windows().stream().filter(w -> !w.paneDead()).map(TmuxServer.Window::name).collect(Collectors.toSet());
        } catch (TmuxException e) {
            return Set.of();
        }
    }

    /** Whether {@code thread} runs on tmux and its window is alive. */
    static boolean isLive(ThreadRecord thread, Backend configured, Set<String> live) {
        return thread.effectiveBackend(configured) == Backend.TMUX && live.contains(windowOf(thread));
    }

    /**
     * Renames the live window {@code from} to {@code to}; false when it is not there (or tmux is not installed). A running
     * daemon addresses its windows by tmux's id, so its turns carry on, and it launches the thread's next window under
     * the new name.
     */
    boolean rename(String from, String to) {
        if (server.isEmpty()) {
            return false;
        }
        try {
            return server.get().renameWindow(from, to);
        } catch (TmuxException e) {
            return false;
        }
    }

    /** The live window a person most likely wants to see: the one of the thread used last, if any. */
    Optional<String> mostRecent(java.util.Collection<ThreadRecord> threads, Backend configured) {
        Set<String> live = live();
        return threads.stream()
                .filter(t -> isLive(t, configured, live))
                .max(java.util.Comparator.comparingDouble(ThreadRecord::lastUsed))
                .map(ForkWindows::windowOf);
    }

    /**
     * Closes the thread's window (its claude ends with it); a window that is already gone is fine. A running daemon
     * sees the window close and tells the thread if a turn was running in it.
     */
    void close(ThreadRecord thread) throws IOException {
        if (server.isEmpty()) {
            throw new IOException(unavailable);
        }
        try {
            server.get().killWindow(windowOf(thread));
        } catch (TmuxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
