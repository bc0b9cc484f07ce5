package dev.agenttunnel.core;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Handle rules: the regex, sanitising a label into a handle, and deriving one from a session id. */
public final class Handles {
    /** 2–32 characters of lowercase ASCII letters, digits and {@code -}, not starting with {@code -}. */
    public static final Pattern HANDLE = Pattern.compile("^[a-z0-9][a-z0-9-]{1,31}$");
    public static final String RULE = "letters, digits and dashes, 2–32 characters, not starting with a dash";
    private static final Pattern OUTSIDE_ALLOWED = Pattern.compile("[^a-z0-9]+");
    private static final int MAX_LENGTH = 32;

    private Handles() {
    }

    public static boolean isValid(String handle) {
        return HANDLE.matcher(handle).matches();
    }

    /** Lower-cases and strips a handle typed by a person, for lookups. */
    public static String normalise(String typed) {
        return typed.strip().toLowerCase(Locale.ROOT);
    }

    /** Turns a free-form label into a handle, or empty when nothing valid remains. */
    public static Optional<String> sanitise(String label) {
        String lowered = label.strip().toLowerCase(Locale.ROOT);
        String dashed = trimDashes(OUTSIDE_ALLOWED.matcher(lowered).replaceAll("-"));
        if (dashed.length() > MAX_LENGTH) {
            dashed = trimDashes(dashed.substring(0, MAX_LENGTH));
        }
        return isValid(dashed) ? Optional.of(dashed) : Optional.empty();
    }

    /** The first six characters of the session id without dashes, or {@code session} when that is empty. */
    public static String derive(String sessionId) {
        String compact = sessionId.replace("-", "");
        return compact.isEmpty() ? "session" : compact.substring(0, Math.min(6, compact.length()));
    }

    /**
     * The handle among {@code handles} that {@code word} is most likely a typo of: one edit away (a letter added,
     * dropped, changed, or two neighbours swapped) for a handle of 4–6 characters, two for a longer one; shorter handles
     * are too close to ordinary words to guess at. Empty when none is that close (or {@code word} is one of them).
     */
    public static Optional<String> closest(String word, java.util.Collection<String> handles) {
        String typed = normalise(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String handle : handles) {
            if (handle.equals(typed)) {
                return Optional.empty();
            }
            int allowed = handle.length() >= 7 ? 2 : handle.length() >= 4 ? 1 : 0;
            int distance = allowed == 0 || Math.abs(handle.length() - typed.length()) > allowed ? Integer.MAX_VALUE
                    : editDistance(typed, handle);
            if (distance <= allowed && distance < bestDistance) {
                best = handle;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost one each. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
