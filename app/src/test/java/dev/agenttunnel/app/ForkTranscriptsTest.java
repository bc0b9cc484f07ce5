package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turn counting and relative times, the numbers {@code forks} and {@code resume} show. */
class ForkTranscriptsTest {
    @TempDir
    Path dir;

    @Test
    void countsOnlyEntriesWithUserText() throws Exception {
        Path transcript = ThreadFixtures.transcript(dir, Path.of("/w/my project.v2"), "fork", 4);
        assertTrue(transcript.toString().contains("/projects/-w-my-project-v2/fork.jsonl"), transcript.toString());
        assertEquals(OptionalInt.of(4), ForkTranscripts.userTurns(transcript));
    }

    @Test
    void aMissingTranscriptHasNoCount() {
        assertTrue(ForkTranscripts.userTurns(dir.resolve("nope.jsonl")).isEmpty());
    }

    @Test
    void theUserTextOfAListJoinsItsTextBlocks() {
        assertEquals("a\nb", ForkTranscripts.userText(
                "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image\"},{\"type\":\"text\",\"text\":\"b\"}]}}"));
        assertEquals("", ForkTranscripts.userText("{\"type\":\"assistant\",\"message\":{\"content\":\"hi\"}}"));
        assertEquals("", ForkTranscripts.userText("[1]"));
    }

    @Test
    void encodesEveryNonAlphanumericCharacterOfTheProjectDir() {
        assertEquals("-home-u-caf--x-y", ForkTranscripts.encode("/home/u/café_x.y"));
    }

    @Test
    void relativeTimesTruncateToWholeUnits() {
        assertEquals("0s ago", RelativeTime.ago(100, 99));
        assertEquals("89s ago", RelativeTime.ago(0, 89.9));
        assertEquals("1m ago", RelativeTime.ago(0, 90));
        assertEquals("89m ago", RelativeTime.ago(0, 90 * 60 - 1));
        assertEquals("1h ago", RelativeTime.ago(0, 90 * 60));
        assertEquals("35h ago", RelativeTime.ago(0, 36 * 3600 - 1));
        assertEquals("1d ago", RelativeTime.ago(0, 36 * 3600));
        assertEquals("9d ago", RelativeTime.ago(0, 9.5 * 86400));
    }

    @Test
    void tableWidthsCountTerminalCells() {
        assertEquals(8, TextTable.width("✍️ write"));
        assertEquals(7, TextTable.width("💥 bash"));
        assertEquals(6, TextTable.width("● live"));
        assertEquals(1, TextTable.width("—"));
    }
}
