package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One {@code tool_use} block the fake model asks for: the id claude must answer with a
 * {@code tool_result}, the tool's name (e.g. {@code Read}) and its input object.
 */
public record ToolCall(String id, String name, JsonNode input) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        input = input == null ? Json.object() : input.deepCopy();
        if (!input.isObject()) {
            throw new IllegalArgumentException("tool input must be a JSON object, got " + input);
        }
    }

    /** A call with the given id and an input built from a map (values serialised by Jackson). */
    public static ToolCall of(String id, String name, Map<String, ?> input) {
        return new ToolCall(id, name, Json.mapper().valueToTree(input));
    }

    /** A call with a fresh random id. */
    public static ToolCall of(String name, Map<String, ?> input) {
        return of(newId(), name, input);
    }

    /** A fresh id in Anthropic's {@code toolu_} style. */
    public static String newId() {
        return "toolu_fake_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    @Override
    public JsonNode input() {
        return input.deepCopy();
    }
}
