package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One turn's answer, read from a fork's transcript entries as they are appended (reference §8.6): the assistant texts
 * after the last user entry that carries the turn's {@code [ref:…]} marker, leaving out sidechain (sub-agent) and meta
 * entries. It is complete when the last such entry is assistant text with no {@code tool_use} block and a
 * {@code stop_reason} other than {@code tool_use} — so a text written just before a tool call never counts as the
 * whole answer.
 */
final class TurnAnswer {
    private final String marker;
    private final List<String> texts = new ArrayList<>();
    private boolean sawMarker;
    private JsonNode last;

    TurnAnswer(String marker) {
        this.marker = marker;
    }

    void accept(JsonNode entry) {
        String type = entry.path("type").asText("");
        if (!type.equals("user") && !type.equals("assistant") || entry.path("isSidechain").asBoolean(false)
                || entry.path("isMeta").asBoolean(false)) {
            return;
        }
        if (type.equals("user") && text(entry).contains(marker)) {
            sawMarker = true;
            texts.clear();
            last = null;
            return;
        }
        if (!sawMarker) {
            return;
        }
        last = entry;
        String text = type.equals("assistant") ? text(entry) : "";
        if (!text.isBlank()) {
            texts.add(text.strip());
        }
    }

    boolean sawMarker() {
        return sawMarker;
    }

    boolean complete() {
        return sawMarker && !texts.isEmpty() && last != null && last.path("type").asText("").equals("assistant")
                && !text(last).isBlank() && !hasToolUse(last)
                && !last.path("message").path("stop_reason").asText("").equals("tool_use");
    }

    /** The texts joined by blank lines. */
    String text() {
        return String.join("\n\n", texts);
    }

    /** The text of a user or assistant entry: its string content, or its {@code text} blocks joined by newlines. */
    static String text(JsonNode entry) {
        JsonNode content = entry.path("message").path("content");
        if (content.isTextual()) {
            return content.textValue();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode block : content) {
            if (block.path("type").asText("").equals("text") && !block.path("text").asText("").isEmpty()) {
                parts.add(block.path("text").asText());
            }
        }
        return String.join("\n", parts);
    }

    private static boolean hasToolUse(JsonNode entry) {
        for (JsonNode block : entry.path("message").path("content")) {
            if (block.path("type").asText("").equals("tool_use")) {
                return true;
            }
        }
        return false;
    }
}
