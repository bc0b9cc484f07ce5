package dev.agenttunnel.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void ordinaryTextAndUnicodeAreKept() {
        String text = "Amounts are in milli-cents.\n\tcode: x → y, ünïcödé 日本語 🙂 «quotes» — dash\n";
        assertEquals(text, TerminalText.strip(text));
    }

    @Test
    void oscSequencesGoWithTheirPayload() {
        assertEquals("before after", TerminalText.strip("before \u001B]52;c;cm0gLXJmIH4=\u0007after"), "clipboard, BEL-terminated");
        assertEquals("before after", TerminalText.strip("before \u001B]0;owned\u001B\\after"), "title, ST-terminated");
        assertEquals("ab", TerminalText.strip("a\u001B]2;title\u009Cb"), "title, C1 ST");
        assertEquals("a", TerminalText.strip("a\u001B]8;;https://evil.example\u001B\\"), "hyperlink, at the end");
        assertEquals("a", TerminalText.strip("a\u001B]52;c;unterminated and the rest"), "unterminated swallows the rest");
    }

    @Test
    void csiSequencesGo() {
        assertEquals("clear", TerminalText.strip("\u001B[2J\u001B[Hclear"));
        assertEquals("red plain", TerminalText.strip("\u001B[1;31mred\u001B[0m plain"));
        assertEquals("x", TerminalText.strip("\u001B[?1049hx"), "private mode (alternate screen)");
        assertEquals("ok", TerminalText.strip("\u001B[6n" + "ok"), "a device status query that would make the terminal type");
        assertEquals("éa", TerminalText.strip("\u001B[12é" + "a"), "a stray character ends the sequence");
    }

    @Test
    void deviceControlAndPrivacyStringsGo() {
        assertEquals("ab", TerminalText.strip("a\u001BP1$r0m\u001B\\b"), "DCS");
        assertEquals("ab", TerminalText.strip("a\u001B_payload\u001B\\b"), "APC");
        assertEquals("ab", TerminalText.strip("a\u001B^payload\u001B\\b"), "PM");
        assertEquals("ab", TerminalText.strip("a\u001BXpayload\u009Cb"), "SOS");
    }

    @Test
    void otherEscapesGo() {
        assertEquals("reset", TerminalText.strip("\u001Bcreset"), "RIS, the full reset");
        assertEquals("ab", TerminalText.strip("a\u001B(Bb"), "charset designation");
        assertEquals("ab", TerminalText.strip("a\u001B7\u001B8b"), "save and restore cursor");
        assertEquals("a", TerminalText.strip("a\u001B"), "a lone ESC at the end");
    }

    @Test
    void eightBitIntroducersGoWithTheirPayload() {
        assertEquals("ab", TerminalText.strip("a\u009B2Jb"), "C1 CSI");
        assertEquals("ab", TerminalText.strip("a\u009D52;c;eA==\u0007b"), "C1 OSC");
        assertEquals("ab", TerminalText.strip("a\u0090q\u009Cb"), "C1 DCS");
        assertEquals("ab", TerminalText.strip("a\u0085\u0084b"), "other C1 controls");
    }

    @Test
    void controlCharactersGoButNewlinesAndTabsStay() {
        assertEquals("safe text\nline\ttab", TerminalText.strip("safe\r\u0008 text\r\nline\ttab\u0007\u0000\u007F"));
    }
}
