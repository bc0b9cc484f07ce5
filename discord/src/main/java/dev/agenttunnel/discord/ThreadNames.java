package dev.agenttunnel.discord;

/** Fits a thread name to Discord's rules: one line, stripped, 1 to 100 code points. */
final class ThreadNames {
    /** Discord's limit on thread names (JDA counts code points). */
    static final int LIMIT = 100;
    private static final String FALLBACK = "thread";

    private ThreadNames() {
    }

    static String fit(String name) {
        String oneLine = name == null ? "" : name.replaceAll("\\s+", " ").strip();
        if (oneLine.isEmpty()) {
            return FALLBACK;
        }
        if (oneLine.codePointCount(0, oneLine.length()) <= LIMIT) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, LIMIT)).strip();
    }
}
