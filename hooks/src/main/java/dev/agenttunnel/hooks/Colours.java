package dev.agenttunnel.hooks;

/** ANSI colours of the hook's messages (Claude Code shows the block reason to the owner as-is). */
final class Colours {
    private static final String RESET = "\u001b[0m";

    private Colours() {
    }

    static String green(String s) {
        return "\u001b[92m" + s + RESET;
    }

    static String blue(String s) {
        return "\u001b[94m" + s + RESET;
    }

    static String yellow(String s) {
        return "\u001b[93m" + s + RESET;
    }
}
