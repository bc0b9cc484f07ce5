package dev.agenttunnel.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    @Test
    void packsWholeLinesAndRoundTrips() {
        String text = ("x".repeat(1500) + "\n").repeat(2) + "tail";
        List<String> chunks = Chunker.chunks(text, 2000);
        assertEquals(List.of("x".repeat(1500), "x".repeat(1500) + "\ntail"), chunks);
        assertEquals(text, String.join("\n", chunks));
    }

    @Test
    void neverExceedsTheLimitInCodePointsNorSplitsASurrogatePair() {
        String emoji = "😀".repeat(4500) + "\n" + "漢".repeat(2500) + "\n\nend";
        List<String> chunks = Chunker.chunks(emoji, 2000);
        for (String c : chunks) {
            assertTrue(Chunker.length(c) <= 2000, "chunk of " + Chunker.length(c));
            assertTrue(!Character.isLowSurrogate(c.charAt(0)) && !Character.isHighSurrogate(c.charAt(c.length() - 1)));
        }
        assertEquals(emoji.replace("\n", ""), String.join("", chunks).replace("\n", ""));
    }

    @Test
    void emptyTextGivesNoChunks() {
        assertTrue(Chunker.chunks("", 2000).isEmpty());
        assertEquals(List.of("a", "b"), Chunker.chunks("a\nb", 2));
    }
}
