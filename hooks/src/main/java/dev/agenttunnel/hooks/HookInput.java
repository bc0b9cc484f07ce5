package dev.agenttunnel.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;

/** The fields of Claude Code's UserPromptSubmit stdin JSON that the hook uses. Missing fields are empty. */
public record HookInput(String sessionId, String prompt, String cwd, String transcriptPath) {
    public static HookInput parse(String json) throws IOException {
        JsonNode node = JsonTrees.parse(json);
        if (node == null || !node.isObject()) {
            throw new IOException("the hook input is not a JSON object");
        }
        JsonNode prompt = node.get("prompt");
        return new HookInput(
                JsonTrees.text(node, "session_id"),
                prompt != null && prompt.isTextual() ? prompt.asText() : null,
                JsonTrees.text(node, "cwd"),
                JsonTrees.text(node, "transcript_path"));
    }
}
