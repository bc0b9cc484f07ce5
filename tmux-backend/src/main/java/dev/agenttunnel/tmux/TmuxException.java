package dev.agenttunnel.tmux;

import java.io.IOException;

/** tmux refused a command or could not be run; the message carries tmux's own words. */
public final class TmuxException extends IOException {
    public TmuxException(String message) {
        super(message);
    }

    public TmuxException(String message, Throwable cause) {
        super(message, cause);
    }
}
