package dev.agenttunnel.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete assistant message built from a {@link Reply.Text} or {@link Reply.ToolUse}, and its two wire forms:
 * the plain JSON message and the SSE event sequence of the streaming Messages API.
 */
record AssistantMessage(String id, String model, List<Block> content, String stopReason, int inputTokens) {

    /** Text chunks per {@code text_delta}; small enough that a short answer still streams in several deltas. */
    private static final int CHUNK = 24;

    /** One content block of the message. */
    sealed interface Block {
        record Text(String text) implements Block {}

        record ToolUse(ToolCall call) implements Block {}
    }

    /** One server-sent event: its name and its JSON data. */
    record Event(String name, ObjectNode data) {
        String wire() {
            return "event: " + name + "\ndata: " + Json.write(data) + "\n\n";
        }
    }

    AssistantMessage {
        content = List.copyOf(content);
    }

    static AssistantMessage of(String id, String model, Reply reply, int inputTokens) {
        return switch (reply) {
            case Reply.Text text -> new AssistantMessage(id, model, List.of(new Block.Text(text.text())), "end_turn",
                    inputTokens);
            case Reply.ToolUse toolUse -> new AssistantMessage(id, model, toolUseBlocks(toolUse), "tool_use",
                    inputTokens);
            default -> throw new IllegalArgumentException("not a message reply: " + reply);
        };
    }

    private static List<Block> toolUseBlocks(Reply.ToolUse toolUse) {
        List<Block> blocks = new ArrayList<>();
        if (!toolUse.leadingText().isEmpty()) {
            blocks.add(new Block.Text(toolUse.leadingText()));
        }
        toolUse.calls().forEach(call -> blocks.add(new Block.ToolUse(call)));
        return blocks;
    }

    int outputTokens() {
        int chars = content.stream().mapToInt(block -> switch (block) {
            case Block.Text text -> text.text().length();
            case Block.ToolUse use -> use.call().name().length() + Json.write(use.call().input()).length();
        }).sum();
        return Math.max(1, chars / 4);
    }

    /** The non-streaming response body. */
    ObjectNode json() {
        ObjectNode message = header();
        ArrayNode blocks = message.putArray("content");
        content.forEach(block -> blocks.add(completeBlock(block)));
        message.put("stop_reason", stopReason);
        message.set("usage", usage(outputTokens()));
        return message;
    }

    /** The streaming response: message_start, ping, per block start/deltas/stop, message_delta, message_stop. */
    List<Event> events() {
        List<Event> events = new ArrayList<>();
        ObjectNode start = header();
        start.putArray("content");
        start.putNull("stop_reason");
        start.set("usage", usage(1));
        ObjectNode messageStart = event("message_start");
        messageStart.set("message", start);
        events.add(new Event("message_start", messageStart));
        events.add(new Event("ping", event("ping")));
        for (int index = 0; index < content.size(); index++) {
            events.addAll(blockEvents(index, content.get(index)));
        }
        ObjectNode messageDelta = event("message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", outputTokens());
        events.add(new Event("message_delta", messageDelta));
        events.add(new Event("message_stop", event("message_stop")));
        return events;
    }

    private List<Event> blockEvents(int index, Block block) {
        List<Event> events = new ArrayList<>();
        ObjectNode start = event("content_block_start").put("index", index);
        switch (block) {
            case Block.Text text -> {
                start.putObject("content_block").put("type", "text").put("text", "");
                events.add(new Event("content_block_start", start));
                for (String chunk : chunks(text.text())) {
                    events.add(delta(index, "text_delta", "text", chunk));
                }
            }
            case Block.ToolUse use -> {
                start.putObject("content_block").put("type", "tool_use").put("id", use.call().id())
                        .put("name", use.call().name()).putObject("input");
                events.add(new Event("content_block_start", start));
                for (String chunk : chunks(Json.write(use.call().input()))) {
                    events.add(delta(index, "input_json_delta", "partial_json", chunk));
                }
            }
        }
        events.add(new Event("content_block_stop", event("content_block_stop").put("index", index)));
        return events;
    }

    private static Event delta(int index, String type, String field, String chunk) {
        ObjectNode data = event("content_block_delta").put("index", index);
        data.putObject("delta").put("type", type).put(field, chunk);
        return new Event("content_block_delta", data);
    }

    private ObjectNode header() {
        ObjectNode message = Json.object();
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putNull("stop_sequence");
        return message;
    }

    private static ObjectNode completeBlock(Block block) {
        ObjectNode node = Json.object();
        switch (block) {
            case Block.Text text -> node.put("type", "text").put("text", text.text());
            case Block.ToolUse use -> {
                node.put("type", "tool_use").put("id", use.call().id()).put("name", use.call().name());
                node.set("input", use.call().input());
            }
        }
        return node;
    }

    private ObjectNode usage(int outputTokens) {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", inputTokens).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 0).put("output_tokens", outputTokens);
        return usage;
    }

    private static ObjectNode event(String type) {
        return Json.object().put("type", type);
    }

    private static List<String> chunks(String text) {
        if (text.isEmpty()) {
            return List.of("");
        }
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CHUNK);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            chunks.add(text.substring(start, end));
            start = end;
        }
        return chunks;
    }
}
