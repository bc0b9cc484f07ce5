package dev.agenttunnel.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * What {@code claude -p --output-format stream-json --verbose} printed, folded line by line. Pure: feed it
 * lines, ask it what it saw. The last {@code result} line wins, because a background agent can print a second
 * one before the process exits.
 */
public final class StreamJsonTranscript {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int KEEP_UNPARSEABLE = 300;

    private String initSessionId = "";
    private JsonNode lastResult;
    private final StringBuilder unparseable = new StringBuilder();
    private int lines;

    /** Takes one line of stdout. Blank lines are ignored; lines that are not JSON are kept for the error. */
    public void accept(String line) {
        if (line.isBlank()) {
            return;
        }
        lines++;
        JsonNode event;
        try {
            event = MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            if (unparseable.length() < KEEP_UNPARSEABLE) {
                unparseable.append(line, 0, Math.min(line.length(), KEEP_UNPARSEABLE - unparseable.length()));
            }
            return;
        }
        String type = event.path("type").asText("");
        if (type.equals("system") && event.path("subtype").asText("").equals("init")) {
            initSessionId = event.path("session_id").asText("");
        } else if (type.equals("result")) {
            lastResult = event;
        }
    }

    /** The session id claude reported (the fork's id after {@code --fork-session}). */
    public Optional<String> sessionId() {
        if (lastResult != null && !lastResult.path("session_id").asText("").isEmpty()) {
            return Optional.of(lastResult.path("session_id").asText());
        }
        return initSessionId.isEmpty() ? Optional.empty() : Optional.of(initSessionId);
    }

    /** The {@code tool_use} blocks of {@code line} when it is an assistant message (for progress), else none. */
    public java.util.List<JsonNode> lastToolUses(String line) {
        if (!line.startsWith("{") || !line.contains("\"tool_use\"")) {
            return java.util.List.of();
        }
        try {
            JsonNode event = MAPPER.readTree(line);
            if (!event.path("type").asText("").equals("assistant")) {
                return java.util.List.of();
            }
            java.util.List<JsonNode> uses = new java.util.ArrayList<>();
            event.path("message").path("content").forEach(block -> {
                if (block.path("type").asText("").equals("tool_use")) {
                    uses.add(block);
                }
            });
            return uses;
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    public boolean hasResult() {
        return lastResult != null;
    }

    public boolean isError() {
        return lastResult != null && lastResult.path("is_error").asBoolean(false);
    }

    /** The messages of the result's {@code errors} list (claude puts why it could not run there, e.g. a missing session). */
    public java.util.List<String> errors() {
        java.util.List<String> errors = new java.util.ArrayList<>();
        if (lastResult != null) {
            lastResult.path("errors").forEach(e -> {
                if (e.isTextual() && !e.asText().isBlank()) {
                    errors.add(e.asText().strip());
                }
            });
        }
        return errors;
    }

    /** The result text, stripped. */
    public String resultText() {
        return lastResult == null ? "" : lastResult.path("result").asText("").strip();
    }

    public double costUsd() {
        return lastResult == null ? 0.0 : lastResult.path("total_cost_usd").asDouble(0.0);
    }

    /** The last result's cost: {@code costUsd} as given, tokens from its {@code usage} (input with cache reads and writes). */
    public dev.agenttunnel.core.fork.TurnCost cost(double usd) {
        if (lastResult == null) {
            return dev.agenttunnel.core.fork.TurnCost.UNKNOWN;
        }
        JsonNode usage = lastResult.path("usage");
        long in = usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
        return new dev.agenttunnel.core.fork.TurnCost(Math.max(0, usd), Math.max(0, in), Math.max(0, usage.path("output_tokens").asLong(0)));
    }

    /** The start of whatever was printed that was not JSON (for error messages). */
    public String unparseableStart() {
        return unparseable.toString();
    }

    public int lineCount() {
        return lines;
    }
}
