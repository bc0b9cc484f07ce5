package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TurnAnswerTest {
    private static final String MARKER = "[ref:0a1b2c3d]";

    @Test
    void collectsEveryAssistantTextAfterTheMarkedQuestion() throws IOException {
        TurnAnswer answer = new TurnAnswer(MARKER);
        answer.accept(user("an older question"));
        answer.accept(assistant("an older answer", "end_turn"));
        answer.accept(user(MARKER + " what is it?"));
        answer.accept(assistant("Let me look.", "tool_use"));
        assertFalse(answer.complete(), "text before a tool call is not the whole answer");
        answer.accept(toolUse());
        answer.accept(toolResult());
        assertFalse(answer.complete(), "a tool result is the last entry");
        answer.accept(assistant("It is a pelican.", "end_turn"));

        assertTrue(answer.complete());
        assertEquals("Let me look.\n\nIt is a pelican.", answer.text());
    }

    @Test
    void aTextEntryFlaggedForAToolCallIsNotComplete() throws IOException {
        TurnAnswer answer = new TurnAnswer(MARKER);
        answer.accept(user(MARKER + " go"));
        answer.accept(assistant("Running it now.", "tool_use"));
        assertFalse(answer.complete());
    }

    @Test
    void theLastMarkedQuestionCountsAndSidechainAndMetaEntriesDoNot() throws IOException {
        TurnAnswer answer = new TurnAnswer(MARKER);
        answer.accept(user(MARKER + " first"));
        answer.accept(assistant("first answer", "end_turn"));
        answer.accept(user(MARKER + " pasted again"));
        answer.accept(json("{\"type\":\"assistant\",\"isSidechain\":true,\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"sub-agent chatter\"}]}}"));
        answer.accept(json("{\"type\":\"user\",\"isMeta\":true,\"message\":{\"content\":\"caveat\"}}"));
        answer.accept(assistant("second answer", "end_turn"));

        assertTrue(answer.complete());
        assertEquals("second answer", answer.text());
    }

    @Test
    void findsTheMarkerInsideClaudesPastedContentWrapper() throws IOException {
        TurnAnswer answer = new TurnAnswer(MARKER);
        answer.accept(user("\n\n<pasted_content id=\"2e2d\">\n" + MARKER + " line one\nline two\n</pasted_content id=\"2e2d\">\n"));
        answer.accept(assistant("ok", "end_turn"));
        assertTrue(answer.complete());
    }

    @Test
    void nothingBeforeTheMarkerAndNothingWithoutAnAssistantText() throws IOException {
        TurnAnswer answer = new TurnAnswer(MARKER);
        answer.accept(assistant("stray", "end_turn"));
        assertFalse(answer.sawMarker());
        answer.accept(user(MARKER + " hello"));
        assertFalse(answer.complete());
        assertEquals("", answer.text());
    }

    @Test
    void theHooksLastMessageAgreesWhateverTheWhitespace() {
        assertTrue(TmuxSession.agrees("Let me look.\n\nIt is\na pelican.", "It is a pelican."));
        assertTrue(TmuxSession.agrees("anything", ""));
        assertFalse(TmuxSession.agrees("Let me look.", "It is a pelican."));
    }

    private static JsonNode user(String text) throws IOException {
        var entry = JsonTrees.nodes().objectNode().put("type", "user").put("isSidechain", false);
        entry.putObject("message").put("role", "user").put("content", text);
        return entry;
    }

    private static JsonNode assistant(String text, String stopReason) throws IOException {
        var entry = JsonTrees.nodes().objectNode().put("type", "assistant");
        var message = entry.putObject("message").put("role", "assistant").put("stop_reason", stopReason);
        message.putArray("content").addObject().put("type", "text").put("text", text);
        return entry;
    }

    private static JsonNode toolUse() throws IOException {
        return json("{\"type\":\"assistant\",\"message\":{\"stop_reason\":\"tool_use\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Read\",\"input\":{}}]}}");
    }

    private static JsonNode toolResult() throws IOException {
        return json("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"data\"}]}}");
    }

    private static JsonNode json(String text) throws IOException {
        return JsonTrees.parse(text);
    }
}
