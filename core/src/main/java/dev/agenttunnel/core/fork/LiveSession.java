package dev.agenttunnel.core.fork;

import java.io.IOException;
import java.util.OptionalLong;

/** One running warm fork (see {@link SessionLauncher}). */
public interface LiveSession {
    /** Sends one question; the turn ends with {@link SessionEvents#answered} (or the session's end). */
    void send(String question) throws IOException;

    /** Stops the process and everything it started. Idempotent; {@link SessionEvents#ended} follows. */
    void stop();

    /** The process id, for logs and the owner's views. */
    long pid();

    /** What the process holds in memory right now (resident set, bytes), when the system tells. */
    OptionalLong residentBytes();
}
