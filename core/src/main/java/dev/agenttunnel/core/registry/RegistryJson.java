package dev.agenttunnel.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.files.CorruptFileException;
import dev.agenttunnel.core.files.JsonTrees;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Pure mapping between the registry's JSON schema and {@link RegistryRecord}s (reader rules of the reference). */
public final class RegistryJson {
    private static final String RECORDS = "records";

    private RegistryJson() {
    }

    /**
     * Every buildable record by key, in file order. A record that cannot be built is skipped. A record's handle is
     * always its key, so a record written back with {@link #put} lands under the key it was read from.
     */
    public static Map<String, RegistryRecord> records(ObjectNode root, Path file) throws CorruptFileException {
        JsonNode records = root.get(RECORDS);
        Map<String, RegistryRecord> result = new LinkedHashMap<>();
        if (records == null || records.isNull()) {
            return result;
        }
        if (!records.isObject()) {
            throw new CorruptFileException(file, "\"records\" is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : records.properties()) {
            fromJson(entry.getKey(), entry.getValue()).ifPresent(r -> result.put(entry.getKey(), r));
        }
        return result;
    }

    /** Puts {@code record} under its handle, keeping unknown sibling records as they are. */
    public static void put(ObjectNode root, RegistryRecord record) {
        recordsNode(root).set(record.handle(), toJson(record));
    }

    public static void remove(ObjectNode root, String handle) {
        recordsNode(root).remove(handle);
    }

    static Optional<RegistryRecord> fromJson(String key, JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        String sessionId = JsonTrees.text(node, "session_id");
        if (sessionId.isEmpty()) {
            return Optional.empty();
        }
        String transcript = JsonTrees.text(node, "transcript_path");
        String configDir = JsonTrees.text(node, "config_dir");
        if (configDir.isEmpty()) {
            configDir = ConfigDirs.fromTranscriptPath(transcript).orElse("");
        }
        JsonNode created = node.get("created_at");
        double createdAt = created != null && created.isNumber() ? created.asDouble() : 0.0;
        return Optional.of(new RegistryRecord(
                key, // the key is what resolves; a stored "handle" that differs (hand-edited, another tool) is ignored
                sessionId,
                JsonTrees.text(node, "cwd"),
                configDir,
                AccessLevel.parseOrRead(JsonTrees.text(node, "access")),
                JsonTrees.text(node, "label"),
                transcript,
                createdAt,
                node.path("revoked").asBoolean(false)));
    }

    static ObjectNode toJson(RegistryRecord r) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("handle", r.handle());
        node.put("session_id", r.sessionId());
        node.put("cwd", r.cwd());
        node.put("config_dir", r.configDir());
        node.put("access", r.access().wire());
        node.put("label", r.label());
        node.put("transcript_path", r.transcriptPath());
        dev.agenttunnel.core.files.JsonStateFile.putSeconds(node, "created_at", r.createdAt());
        node.put("revoked", r.revoked());
        return node;
    }

    private static ObjectNode recordsNode(ObjectNode root) {
        JsonNode records = root.get(RECORDS);
        if (records instanceof ObjectNode object) {
            return object;
        }
        return root.putObject(RECORDS);
    }
}
