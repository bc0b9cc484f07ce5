package dev.agenttunnel.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last message the bridge saw in each channel, thread and DM ({@code seen.json} beside state.json): where it
 * catches up from after being down. Written now and then (a message or two seen again after a crash is told apart
 * by the journal and by the bot's own replies), so reading a message costs no disk write.
 */
public final class SeenMarks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public SeenMarks(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /** Channel id → last message id seen there; nothing when the file is missing or unreadable. */
    public Map<String, String> read() {
        Map<String, String> marks = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            root.properties().forEach(e -> marks.put(e.getKey(), e.getValue().asText()));
        } catch (NoSuchFileException e) {
            return marks;
        } catch (IOException | RuntimeException e) {
            return marks; // a damaged file only costs the catch-up of what it held
        }
        return marks;
    }

    public void write(Map<String, String> marks) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        marks.forEach(root::put);
        AtomicFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** Whether message id {@code a} comes after {@code b} (snowflakes grow with time). */
    public static boolean after(String a, String b) {
        try {
            return Long.parseUnsignedLong(a) > Long.parseUnsignedLong(b);
        } catch (NumberFormatException e) {
            return a.compareTo(b) > 0;
        }
    }
}
