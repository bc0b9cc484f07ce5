package dev.agenttunnel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request helpers on a hand-written Messages body shaped like claude's. */
class RecordedRequestTest {

    private static final String BODY = """
            {"model":"claude-opus-5-5","max_tokens":128000,"stream":true,"thinking":{"type":"adaptive"},
             "system":[{"type":"text","text":"x-anthropic-billing-header: cc_entrypoint=cli;"},
                       {"type":"text","text":"You are Claude Code."}],
             "tools":[{"name":"Read","input_schema":{}},{"name":"Bash","input_schema":{}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"<system-reminder>\\nnoise\\n</system-reminder>"},
                                         {"type":"text","text":"the fact is KIWI-77"}]},
               {"role":"system","content":"# Environment"},
               {"role":"assistant","content":[{"type":"text","text":"reading"},
                  {"type":"tool_use","id":"toolu_a","name":"Read","input":{"file_path":"/p/notes.txt"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_a","content":"1\\tPINEAPPLE"},
                                         {"type":"tool_result","tool_use_id":"toolu_b","is_error":true,
                                          "content":[{"type":"text","text":"no such file"}]},
                                         {"type":"text","text":"and now?"}]}]}
            """;

    private final RecordedRequest request = RecordedRequest.of("POST", "/v1/messages",
            Map.of("x-claude-code-session-id", "s-1"), BODY);

    @Test
    void readsModelToolsAndSession() {
        assertEquals("claude-opus-5-5", request.model());
        assertEquals(List.of("Read", "Bash"), request.toolNames());
        assertEquals(Optional.of("s-1"), request.claudeSessionId());
        assertTrue(request.streaming());
    }

    @Test
    void allTextCoversSystemMessagesToolCallsAndResults() {
        String all = request.allText();

        for (String part : List.of("You are Claude Code.", "KIWI-77", "# Environment", "reading", "/p/notes.txt",
                "PINEAPPLE", "no such file", "and now?", "noise")) {
            assertTrue(all.contains(part), part + " missing from " + all);
        }
    }

    @Test
    void lastUserTextSkipsRemindersAndToolResults() {
        assertEquals("and now?", request.lastUserText());
        RecordedRequest first = RecordedRequest.of("POST", "/v1/messages", Map.of(), """
                {"messages":[{"role":"user","content":[
                  {"type":"text","text":"<system-reminder>x</system-reminder>"},{"type":"text","text":"hello"}]},
                  {"role":"system","content":"# Environment"}]}
                """);
        assertEquals("hello", first.lastUserText());
        RecordedRequest plain = RecordedRequest.of("POST", "/v1/messages", Map.of(),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"just a string\"}]}");
        assertEquals("just a string", plain.lastUserText());
    }

    @Test
    void findsToolResultsById() {
        assertTrue(request.hasToolResultFor("toolu_a"));
        assertEquals(Optional.of("1\tPINEAPPLE"), request.toolResultText("toolu_a"));
        assertEquals(Optional.of("no such file"), request.toolResultText("toolu_b"));
        assertTrue(request.toolResultIsError("toolu_b"));
        assertFalse(request.hasToolResultFor("toolu_c"));
        assertEquals(List.of("toolu_a", "toolu_b"), request.toolResultIds());
        assertEquals(List.of("toolu_a"), request.toolUseIds());
    }

    @Test
    void classifiesMainSubagentAndAuxiliaryRequests() {
        assertTrue(request.isMainConversation());

        RecordedRequest subagent = RecordedRequest.of("POST", "/v1/messages",
                Map.of("x-claude-code-agent-id", "a123"), BODY);
        assertTrue(subagent.isSubagent());
        assertFalse(subagent.isMainConversation());

        RecordedRequest noTools = RecordedRequest.of("POST", "/v1/messages", Map.of(),
                "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"quota\"}]}");
        assertTrue(noTools.isAuxiliary());

        RecordedRequest toolsDisabled = RecordedRequest.of("POST", "/v1/messages", Map.of(),
                "{\"model\":\"m\",\"thinking\":{\"type\":\"adaptive\"},\"tools\":[],\"messages\":[]}");
        assertTrue(toolsDisabled.isMainConversation());

        RecordedRequest countTokens = RecordedRequest.of("POST", "/v1/messages/count_tokens", Map.of(), BODY);
        assertFalse(countTokens.isMessages());
        assertFalse(countTokens.isMainConversation());
    }

    @Test
    void toleratesBodiesThatAreNotJson() {
        RecordedRequest odd = RecordedRequest.of("GET", "/x", Map.of(), "not json");

        assertEquals("", odd.model());
        assertEquals(List.of(), odd.toolNames());
        assertEquals("", odd.allText());
        assertEquals("", odd.lastUserText());
        assertTrue(odd.json().isMissingNode());
    }
}
