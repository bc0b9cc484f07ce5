package dev.agenttunnel.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What the fake API answers to one {@code POST /v1/messages}: text, tool calls, an API error, or a delayed reply. */
public sealed interface Reply {

    /** An assistant turn holding one text block; {@code stop_reason} is {@code end_turn}. */
    record Text(String text) implements Reply {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An assistant turn holding an optional leading text block and then one {@code tool_use} block per call;
     * {@code stop_reason} is {@code tool_use}.
     */
    record ToolUse(String leadingText, List<ToolCall> calls) implements Reply {
        public ToolUse {
            leadingText = leadingText == null ? "" : leadingText;
            calls = List.copyOf(calls);
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("a tool_use reply needs at least one call");
            }
        }
    }

    /** An HTTP error with Anthropic's body {@code {"type":"error","error":{"type":..,"message":..}}}. */
    record ApiError(int status, String type, String message) implements Reply {
        public ApiError {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("error status must be 4xx or 5xx, got " + status);
            }
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
        }
    }

    /** {@code then}, sent after waiting {@code delay} (the wait happens on the server's own thread). */
    record Delayed(Duration delay, Reply then) implements Reply {
        public Delayed {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(then, "then");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative delay " + delay);
            }
        }
    }

    static Reply text(String text) {
        return new Text(text);
    }

    static Reply toolUse(List<ToolCall> calls) {
        return new ToolUse("", calls);
    }

    static Reply toolUse(ToolCall... calls) {
        return new ToolUse("", List.of(calls));
    }

    static Reply toolUse(String leadingText, List<ToolCall> calls) {
        return new ToolUse(leadingText, calls);
    }

    static Reply error(int status, String type, String message) {
        return new ApiError(status, type, message);
    }

    static Reply delayed(Duration delay, Reply then) {
        return new Delayed(delay, then);
    }
}
