package dev.agenttunnel.headless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamJsonTranscriptTest {
    @Test
    void theLastResultWinsAndCarriesTheForkId() {
        StreamJsonTranscript t = new StreamJsonTranscript();
        t.accept("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"fork-1\",\"tools\":[\"Read\"]}");
        t.accept("{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}}");
        t.accept("");
        t.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\" first \",\"session_id\":\"fork-1\",\"total_cost_usd\":0.5}");
        t.accept("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"final answer\",\"session_id\":\"fork-1\",\"total_cost_usd\":0.75}");
        assertEquals(Optional.of("fork-1"), t.sessionId());
        assertEquals("final answer", t.resultText());
        assertEquals(0.75, t.costUsd());
        assertFalse(t.isError());
    }

    @Test
    void errorsAndGarbageAreVisible() {
        StreamJsonTranscript t = new StreamJsonTranscript();
        t.accept("Welcome to something that is not claude");
        assertFalse(t.hasResult());
        assertTrue(t.unparseableStart().startsWith("Welcome"));
        t.accept("{\"type\":\"result\",\"is_error\":true,\"result\":\"API Error: 529 overloaded\"}");
        assertTrue(t.isError());
        assertEquals("API Error: 529 overloaded", t.resultText());
        assertTrue(t.sessionId().isEmpty());
    }
}
