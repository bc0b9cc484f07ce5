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
