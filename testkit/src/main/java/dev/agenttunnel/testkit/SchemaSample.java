package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A minimal JSON value satisfying a simple JSON schema — enough for claude's structured-output side requests. */
final class SchemaSample {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 8;

    private SchemaSample() {}

    static JsonNode of(JsonNode schema) {
        return sample(schema, 0);
    }

    private static JsonNode sample(JsonNode schema, int depth) {
        if (schema.has("const")) {
            return schema.get("const").deepCopy();
        }
        if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.get("enum").get(0).deepCopy();
        }
        if (depth > MAX_DEPTH) {
            return NODES.nullNode();
        }
        JsonNode type = schema.path("type");
        String first = type.isArray() && !type.isEmpty() ? type.get(0).asText() : type.asText("object");
        return switch (first) {
            case "string" -> NODES.textNode(FakeAnthropicApi.DEFAULT_ANSWER);
            case "integer", "number" -> NODES.numberNode(0);
            case "boolean" -> NODES.booleanNode(false);
            case "array" -> NODES.arrayNode();
            case "null" -> NODES.nullNode();
            default -> object(schema, depth);
        };
    }

    private static ObjectNode object(JsonNode schema, int depth) {
        ObjectNode object = NODES.objectNode();
        JsonNode properties = schema.path("properties");
        properties.properties().forEach(entry -> object.set(entry.getKey(), sample(entry.getValue(), depth + 1)));
        return object;
    }
}
