package dev.agenttunnel.app;

/** "How long ago", as {@code forks} and {@code resume} print it: {@code 42s ago}, {@code 12m ago}, {@code 5h ago}, {@code 3d ago}. */
final class RelativeTime {
    private static final long MINUTE = 60;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private RelativeTime() {
    }

    /** Whole units, truncated: under 90 s in seconds, under 90 min in minutes, under 36 h in hours, else days. */
    static String ago(double thenEpochSeconds, double nowEpochSeconds) {
        long seconds = (long) Math.max(0, nowEpochSeconds - thenEpochSeconds);
        if (seconds < 90) {
            return seconds + "s ago";
        }
        if (seconds < 90 * MINUTE) {
            return seconds / MINUTE + "m ago";
        }
        if (seconds < 36 * HOUR) {
            return seconds / HOUR + "h ago";
        }
        return seconds / DAY + "d ago";
    }
}
