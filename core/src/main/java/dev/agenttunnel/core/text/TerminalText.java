package dev.agenttunnel.core.text;

/**
 * Text that is safe to print at a terminal: a fork's answer comes from a model a colleague can steer, and
 * printed raw it could drive the terminal — write the clipboard (OSC 52), retitle the window (OSC 0/2), clear the
 * screen, redraw a line with {@code \r}, or start a device-control string.
 *
 * <p>Removed: every ESC-introduced sequence with its payload (CSI up to its final byte; OSC up to BEL or ST; DCS,
 * SOS, PM and APC up to ST; any other {@code ESC} with its intermediate and final byte), the 8-bit C1 forms of
 * those introducers with their payloads, every other C0 control but {@code \n} and {@code \t}, DEL, and every other
 * C1 control (U+0080–U+009F). Everything else — all ordinary Unicode — is kept. An unterminated string sequence
 * swallows the rest of the text, as a terminal would have.
 */
public final class TerminalText {
    private static final int ESC = 0x1B;
    private static final int BEL = 0x07;
    private static final int C1_DCS = 0x90;
    private static final int C1_SOS = 0x98;
    private static final int C1_CSI = 0x9B;
    private static final int C1_ST = 0x9C;
    private static final int C1_OSC = 0x9D;
    private static final int C1_PM = 0x9E;
    private static final int C1_APC = 0x9F;

    private TerminalText() {
    }

    public static String strip(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (c == ESC) {
                i = afterEscape(text, next);
            } else if (c == C1_CSI) {
                i = afterCsi(text, next);
            } else if (c == C1_OSC) {
                i = afterString(text, next, true);
            } else if (c == C1_DCS || c == C1_SOS || c == C1_PM || c == C1_APC) {
                i = afterString(text, next, false);
            } else {
                if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                    kept.appendCodePoint(c);
                }
                i = next;
            }
        }
        return kept.toString();
    }

    /** Where the text goes on after an {@code ESC} whose next character is at {@code i}. */
    private static int afterEscape(String text, int i) {
        if (i >= text.length()) {
            return i;
        }
        char c = text.charAt(i);
        return switch (c) {
            case '[' -> afterCsi(text, i + 1);
            case ']' -> afterString(text, i + 1, true);
            case 'P', 'X', '^', '_' -> afterString(text, i + 1, false);
            default -> {
                int j = i;
                while (j < text.length() && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x2F) {
                    j++; // intermediate bytes, as in ESC ( B
                }
                yield j < text.length() && text.charAt(j) >= 0x30 && text.charAt(j) <= 0x7E ? j + 1 : j;
            }
        };
    }

    /** Past a CSI's parameter and intermediate bytes and its final byte; a stray character ends it early. */
    private static int afterCsi(String text, int i) {
        int j = i;
        while (j < text.length() && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x3F) {
            j++;
        }
        return j < text.length() && text.charAt(j) >= 0x40 && text.charAt(j) <= 0x7E ? j + 1 : j;
    }

    /** Past a control string's terminator: ST ({@code ESC \} or U+009C), and for OSC also BEL; else the end. */
    private static int afterString(String text, int i, boolean belEnds) {
        for (int j = i; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == C1_ST || (belEnds && c == BEL)) {
                return j + 1;
            }
            if (c == ESC && j + 1 < text.length() && text.charAt(j + 1) == '\\') {
                return j + 2;
            }
        }
        return text.length();
    }
}
