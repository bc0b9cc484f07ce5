package dev.agenttunnel.core.chat;

import java.time.Duration;

/** The words of a turn's progress message: while it runs, and once it is answered. */
public final class ProgressText {
    private ProgressText() {
    }

    /** {@code ⏳ Reading `src/auth.ts` · 12 s} (or "Thinking" before the first step). */
    public static String working(String activity, Duration elapsed) {
        return "⏳ " + (activity.isEmpty() ? "Thinking" : activity) + " · " + elapsed.toSeconds() + " s";
    }

    /** {@code ✔️ Done in 12 s · 3 steps (last: Reading `src/auth.ts`)}; a failed turn says so. */
    public static String finished(boolean answered, int steps, String lastActivity, Duration elapsed) {
        String head = (answered ? "✔️ Done in " : "⚠️ Stopped after ") + elapsed.toSeconds() + " s";
        return steps == 0 ? head : head + " · " + steps + (steps == 1 ? " step" : " steps") + " (last: " + lastActivity + ")";
    }
}
