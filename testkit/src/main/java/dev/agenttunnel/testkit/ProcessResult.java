package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** How a finished (or killed) child process ended and what it printed. */
public record ProcessResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    /** Whether it exited by itself with status 0. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Stdout parsed as one JSON value (e.g. {@code --output-format json}). */
    public JsonNode json() {
        return Json.parse(stdout.strip());
    }

    /** Stdout parsed as JSON Lines (e.g. {@code --output-format stream-json}). */
    public List<JsonNode> jsonLines() {
        return Json.parseLines(stdout);
    }

    /** A multi-line description for assertion messages. */
    public String describe() {
        return "exit=" + exitCode + (timedOut ? " (TIMED OUT, killed)" : "")
                + "\n--- stdout ---\n" + Json.abbreviate(stdout, 8000)
                + "\n--- stderr ---\n" + Json.abbreviate(stderr, 8000);
    }
}
