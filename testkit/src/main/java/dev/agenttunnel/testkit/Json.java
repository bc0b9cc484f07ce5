package dev.agenttunnel.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The testkit's one Jackson mapper and a few lenient JSON conveniences. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** The shared mapper; treat it as read-only. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A fresh empty JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses {@code text}; a blank or malformed text gives {@link MissingNode} instead of an exception. */
    public static JsonNode parseOrMissing(String text) {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** Parses {@code text}, failing loudly with the text in the message when it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + abbreviate(text, 2000), e);
        }
    }

    /** Parses every non-blank line of {@code text} as one JSON value (JSON Lines). */
    public static List<JsonNode> parseLines(String text) {
        return text.lines().filter(line -> !line.isBlank()).map(Json::parse).toList();
    }

    /** Serialises {@code value} compactly. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value, e);
        }
    }

    /** Reads a JSON file. */
    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON from " + file, e);
        }
    }

    /** Writes a JSON file (pretty-printed) atomically enough for tests: temp file then move. */
    public static void write(Path file, JsonNode value) {
        try {
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), value);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON to " + file, e);
        }
    }

    static String abbreviate(String text, int max) {
        if (text == null) {
            return "null";
        }
        return text.length() <= max ? text : text.substring(0, max) + "… (" + text.length() + " chars)";
    }
}
