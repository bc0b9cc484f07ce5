package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * One HTTP request the fake API received, as it arrived: method, path (without the query string), headers with
 * lower-case names, raw body, and the body parsed as JSON ({@link com.fasterxml.jackson.databind.node.MissingNode}
 * when it is not JSON). The helpers read the Anthropic Messages request shape.
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body, JsonNode json) {

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
        json = json == null ? Json.parseOrMissing(body) : json.deepCopy();
    }

    /** Builds a record, parsing the body. */
    public static RecordedRequest of(String method, String path, Map<String, String> headers, String body) {
        return new RecordedRequest(method, path, headers, body, Json.parseOrMissing(body));
    }

    @Override
    public JsonNode json() {
        return json.deepCopy();
    }

    /** Whether this is {@code POST /v1/messages} (not {@code count_tokens}). */
    public boolean isMessages() {
        return method.equals("POST") && path.equals("/v1/messages");
    }

    /** A header by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The {@code model} field, or {@code ""}. */
    public String model() {
        return json.path("model").asText("");
    }

    /** Whether the body asks for an SSE stream. */
    public boolean streaming() {
        return json.path("stream").asBoolean(false);
    }

    /** The {@code max_tokens} field, or 0. */
    public int maxTokens() {
        return json.path("max_tokens").asInt(0);
    }

    /** The {@code X-Claude-Code-Session-Id} header claude sends, if any. */
    public Optional<String> claudeSessionId() {
        return header("x-claude-code-session-id");
    }

    /** Names from the request's {@code tools} array, in order. */
    public List<String> toolNames() {
        return elements(json.path("tools")).stream()
                .map(tool -> tool.path("name").asText(""))
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** Every text of the system prompt, joined by newlines. */
    public String systemText() {
        return texts(json.path("system"));
    }

    /** The {@code messages} array as a list. */
    public List<JsonNode> messages() {
        return elements(json.path("messages"));
    }

    /**
     * Every text in the system prompt and the messages — text blocks, tool inputs, tool_result contents,
     * thinking — joined by newlines: lets a test assert that a request carried some earlier context.
     */
    public String allText() {
        List<String> parts = new ArrayList<>();
        parts.add(systemText());
        for (JsonNode message : messages()) {
            parts.add(contentText(message.path("content"), true));
        }
        return parts.stream().filter(part -> !part.isEmpty()).collect(Collectors.joining("\n"));
    }

    /**
     * The text blocks of the last user message, joined by newlines, leaving out claude's
     * {@code <system-reminder>} blocks and tool results; {@code ""} when there is no user message.
     */
    public String lastUserText() {
        return lastUserMessage()
                .map(message -> contentText(message.path("content"), false))
                .orElse("");
    }

    /** The last message whose role is {@code user}. */
    public Optional<JsonNode> lastUserMessage() {
        List<JsonNode> messages = messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("user")) {
                return Optional.of(messages.get(i));
            }
        }
        return Optional.empty();
    }

    /** Whether any message holds a {@code tool_result} for {@code toolUseId}. */
    public boolean hasToolResultFor(String toolUseId) {
        return toolResult(toolUseId).isPresent();
    }

    /** The text content of the {@code tool_result} for {@code toolUseId}, if the request carries one. */
    public Optional<String> toolResultText(String toolUseId) {
        return toolResult(toolUseId).map(block -> texts(block.path("content")));
    }

    /**
     * Everything the {@code tool_result} for {@code toolUseId} carries, as one string: its text blocks, and the
     * decoded bytes (as ISO-8859-1) of every base64 {@code source} in it — an image or a PDF that claude's Read sent
     * as such. Empty when the request has no such result.
     */
    public String toolResultContent(String toolUseId) {
        return toolResult(toolUseId).map(block -> {
            StringBuilder all = new StringBuilder(texts(block.path("content")));
            block.path("content").findValues("source").forEach(source -> {
                if (source.path("type").asText().equals("base64")) {
                    all.append('\n').append(new String(java.util.Base64.getDecoder().decode(source.path("data").asText()),
                            java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            });
            return all.toString();
        }).orElse("");
    }

    /** Whether the {@code tool_result} for {@code toolUseId} is flagged {@code is_error}. */
    public boolean toolResultIsError(String toolUseId) {
        return toolResult(toolUseId).map(block -> block.path("is_error").asBoolean(false)).orElse(false);
    }

    /** Ids of every {@code tool_result} block in the request, in order. */
    public List<String> toolResultIds() {
        return blocksOfType("tool_result").stream().map(block -> block.path("tool_use_id").asText()).toList();
    }

    /** Ids of every {@code tool_use} block (the model's earlier calls) in the request, in order. */
    public List<String> toolUseIds() {
        return blocksOfType("tool_use").stream().map(block -> block.path("id").asText()).toList();
    }

    /** The {@code x-claude-code-agent-id} header: present on requests made by a sub-agent (Agent tool). */
    public Optional<String> agentId() {
        return header("x-claude-code-agent-id");
    }

    /**
     * Whether a sub-agent sent this: it carries {@code x-claude-code-agent-id} (nested ones also
     * {@code x-claude-code-parent-agent-id}) and its system prompt's billing line says {@code cc_is_subagent=true}.
     */
    public boolean isSubagent() {
        return isMessages() && (agentId().isPresent() || systemText().contains("cc_is_subagent=true"));
    }

    /**
     * The JSON schema the request demands through {@code output_config.format} (claude's session-title request
     * does this), if any.
     */
    public Optional<JsonNode> outputSchema() {
        JsonNode format = json.path("output_config").path("format");
        return format.path("type").asText().equals("json_schema") && format.has("schema")
                ? Optional.of(format.get("schema").deepCopy())
                : Optional.empty();
    }

    /** Whether this is claude's session-title request (structured output with a {@code title} property). */
    public boolean isTitleRequest() {
        return outputSchema().map(schema -> schema.path("properties").has("title")).orElse(false);
    }

    /**
     * Whether this is a side request of the main process rather than a turn of a conversation: it demands
     * structured output ({@code output_config.format}, e.g. the session title), or it offers no tools and has no
     * {@code thinking} config (one-shot helpers). Conversation turns — even with {@code --tools ""} — carry
     * {@code thinking}; sub-agent turns are not auxiliary (see {@link #isSubagent()}).
     */
    public boolean isAuxiliary() {
        if (!isMessages() || isSubagent()) {
            return false;
        }
        return outputSchema().isPresent() || (toolNames().isEmpty() && !json.has("thinking"));
    }

    /** A turn of the main conversation: a messages request that is neither auxiliary nor from a sub-agent. */
    public boolean isMainConversation() {
        return isMessages() && !isSubagent() && !isAuxiliary();
    }

    /** A one-line description for assertion messages. */
    public String summary() {
        return method + " " + path + (isMessages()
                ? (isSubagent() ? " [subagent]" : isAuxiliary() ? " [auxiliary]" : " [main]") + " model=" + model() + " max_tokens=" + maxTokens() + " stream=" + streaming()
                        + " tools=" + toolNames().size() + " messages=" + messages().size()
                        + " lastUser=" + Json.abbreviate(lastUserText().replace('\n', ' '), 80)
                : "");
    }

    private Optional<JsonNode> toolResult(String toolUseId) {
        return blocksOfType("tool_result").stream()
                .filter(block -> block.path("tool_use_id").asText().equals(toolUseId))
                .findFirst();
    }

    private List<JsonNode> blocksOfType(String type) {
        List<JsonNode> blocks = new ArrayList<>();
        for (JsonNode message : messages()) {
            for (JsonNode block : elements(message.path("content"))) {
                if (block.path("type").asText().equals(type)) {
                    blocks.add(block);
                }
            }
        }
        return blocks;
    }

    /** Text of a message's content (a string or an array of blocks). */
    private static String contentText(JsonNode content, boolean everything) {
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode block : elements(content)) {
            String text = switch (block.path("type").asText()) {
                case "text" -> everything || !isSystemReminder(block.path("text").asText())
                        ? block.path("text").asText() : "";
                case "tool_result" -> everything ? texts(block.path("content")) : "";
                case "tool_use" -> everything ? block.path("name").asText() + " " + block.path("input") : "";
                case "thinking" -> everything ? block.path("thinking").asText() : "";
                default -> "";
            };
            if (!text.isEmpty()) {
                parts.add(text);
            }
        }
        return String.join("\n", parts);
    }

    private static boolean isSystemReminder(String text) {
        return text.stripLeading().startsWith("<system-reminder>");
    }

    /** Text of a string, or of the {@code text} blocks of an array. */
    private static String texts(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        return elements(node).stream()
                .filter(block -> block.path("type").asText().equals("text"))
                .map(block -> block.path("text").asText())
                .collect(Collectors.joining("\n"));
    }

    private static List<JsonNode> elements(JsonNode node) {
        return node.isArray() ? StreamSupport.stream(node.spliterator(), false).toList() : List.of();
    }
}
