package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowNamesTest {
    @Test
    void discordThreadsKeepTheirWholeId() {
        assertEquals("3dd5d0-th-288325525675", WindowNames.of("3dd5d0", "th:288325525675"));
        assertEquals("payments-dm-1234567890123456789", WindowNames.of("payments", "dm:1234567890123456789"));
    }

    @Test
    void threadsEndingInTheSameDigitsGetDifferentWindows() {
        // upstream named both "h-5675", and launching one killed the other
        assertNotEquals(WindowNames.of("h", "th:111115675"), WindowNames.of("h", "th:222225675"));
    }

    @Test
    void keysWhoseSafeSpellingIsAmbiguousGetADigest() {
        String dashed = WindowNames.of("h", "cli:local-test");
        String underscored = WindowNames.of("h", "cli:local_test");
        assertTrue(dashed.matches("h-cli-local-test-[0-9a-f]{6}"), dashed);
        assertNotEquals(dashed, underscored);
        assertNotEquals(WindowNames.of("h", "th:1"), WindowNames.of("h", "th-1"));
    }

    @Test
    void theHandleIsCleanedAndCut() {
        assertEquals("s-th-1", WindowNames.of("::", "th:1"));
        assertEquals("abcdefghijklmnopqrstuvwx-th-1", WindowNames.of("abc.defghijklmnopqrstuvwxyz", "th:1"));
        assertTrue(WindowNames.of("h", "th:" + "9".repeat(40)).matches("h-9{24}-[0-9a-f]{6}"));
    }

    @Test
    void namesNeverHoldTmuxTargetSyntax() {
        assertTrue(WindowNames.of("a:b.c=d", "weird key: with.dots").matches("[A-Za-z0-9-]+"));
    }
}
