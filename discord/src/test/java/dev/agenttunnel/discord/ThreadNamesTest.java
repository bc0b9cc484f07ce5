package dev.agenttunnel.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadNamesTest {
    @Test
    void keepsAShortNameOnOneLine() {
        assertEquals("pay: how does it work?", ThreadNames.fit("  pay: how does\n it   work?  "));
    }

    @Test
    void blankNameFallsBackToAWord() {
        assertEquals("thread", ThreadNames.fit(" \n "));
        assertEquals("thread", ThreadNames.fit(null));
    }

    @Test
    void cutsAtOneHundredCodePointsWithoutSplittingSurrogatePairs() {
        String fitted = ThreadNames.fit("😀".repeat(101));

        assertEquals(100, fitted.codePointCount(0, fitted.length()));
        assertEquals("😀".repeat(100), fitted);
    }
}
