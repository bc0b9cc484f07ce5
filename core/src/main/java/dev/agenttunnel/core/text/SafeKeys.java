package dev.agenttunnel.core.text;

import java.util.regex.Pattern;

/** File-system-safe names for thread keys: {@code th:123} → {@code th-123}. */
public final class SafeKeys {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9]+");

    private SafeKeys() {
    }

    public static String of(String threadKey) {
        String dashed = UNSAFE.matcher(threadKey).replaceAll("-");
        int start = 0;
        int end = dashed.length();
        while (start < end && dashed.charAt(start) == '-') {
            start++;
        }
        while (end > start && dashed.charAt(end - 1) == '-') {
            end--;
        }
        String safe = dashed.substring(start, end);
        return safe.isEmpty() ? "thread" : safe;
    }
}
