package dev.agenttunnel.tmux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A tmux control-mode client ({@code tmux -L s -C attach -t =s}) over plain pipes: tmux pushes one line for every
 * change in the session, and the few that matter here become calls on a {@link Listener} — a pane printed something,
 * a window closed, the client ended (the server was killed, the session is gone, or {@link #close()}). Nothing is
 * polled. A control client does not resize the session's windows, so attaching one changes nothing a person sees.
 *
 * <p>The listener is called on the client's reader thread, one line at a time: it must return quickly.
 */
public final class ControlClient implements AutoCloseable {
    private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(5);

    /** What a control client reports. */
    public interface Listener {
        /** The pane with tmux id {@code paneId} ({@code %3}) printed output. */
        void output(String paneId);

        /** The window with tmux id {@code windowId} ({@code @3}) was closed (killed, or its server stopped). */
        void windowClosed(String windowId);

        /** The client ended; no more calls follow. {@code reason} is tmux's, or says we closed it. */
        void ended(String reason);
    }

    private final Process process;
    private final Listener listener;
    private final CompletableFuture<Void> attached = new CompletableFuture<>();
    private volatile String exitReason = "";
    private volatile boolean closing;
    /** Set before the listener hears of the end, so whoever it tells finds this client no longer alive. */
    private volatile boolean ended;

    private ControlClient(Process process, Listener listener) {
        this.process = process;
        this.listener = listener;
    }

    static ControlClient attach(List<String> argv, Map<String, String> env, Listener listener) throws TmuxException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new TmuxException("cannot start a tmux control client: " + e.getMessage(), e);
        }
        ControlClient client = new ControlClient(process, listener);
        Thread.ofPlatform().daemon().name("tmux-control-" + process.pid()).start(client::read);
        try {
            client.attached.get(ATTACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            client.close();
            throw new TmuxException("tmux control client could not attach: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            client.close();
            throw new TmuxException("tmux control client did not attach within " + ATTACH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            client.close();
            Thread.currentThread().interrupt();
            throw new TmuxException("interrupted while attaching a tmux control client", e);
        }
        return client;
    }

    /**
     * Whether the client still runs and reports. False as soon as its output ended, though the process may take a
     * moment longer to exit: a listener told of the end that attaches a new client must not find this one alive.
     */
    public boolean isAlive() {
        return !ended && !closing && process.isAlive();
    }

    /** Detaches (closing stdin ends a control client) and stops the process. Idempotent. */
    @Override
    public void close() {
        closing = true;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        process.destroy();
    }

    private void read() {
        // %output data is octal-escaped by tmux, so every notification is one line; bytes above 0x7f pass as they are.
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = lines.readLine()) != null) {
                dispatch(line);
            }
        } catch (IOException e) {
            exitReason = exitReason.isEmpty() ? "control client output broke: " + e.getMessage() : exitReason;
        } finally {
            String reason = closing ? "closed" : exitReason.isEmpty() ? "the tmux control client ended" : exitReason;
            ended = true;
            attached.completeExceptionally(new TmuxException(reason));
            listener.ended(reason);
        }
    }

    private void dispatch(String line) {
        if (line.startsWith("%output ") || line.startsWith("%extended-output ")) {
            listener.output(word(line, 1));
        } else if (line.startsWith("%window-close ") || line.startsWith("%unlinked-window-close ")) {
            listener.windowClosed(word(line, 1));
        } else if (line.startsWith("%session-changed ")) {
            attached.complete(null);
        } else if (line.startsWith("%error ")) {
            attached.completeExceptionally(new TmuxException("tmux refused to attach"));
        } else if (line.startsWith("%exit")) {
            exitReason = line.length() > 6 ? "tmux: " + line.substring(6).strip() : "the tmux server or session ended";
        } else if (!line.startsWith("%") && !attached.isDone()) {
            exitReason = line.strip(); // e.g. "no server running on …" before any notification
        }
    }

    private static String word(String line, int index) {
        String[] words = line.split(" ", index + 2);
        return words.length > index ? words[index] : "";
    }
}
