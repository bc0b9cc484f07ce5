package dev.agenttunnel.tmux;

import dev.agenttunnel.core.text.SafeKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Window names {@code <base>-<thread>} (reference §8.2): {@code base} is the handle keeping only {@code [A-Za-z0-9-]}
 * ({@code s} if nothing is left), cut to 24 characters. Upstream used the last 4 characters of the thread key, so two
 * threads of one handle could share a window and launching one killed the other. Here the thread part is the whole
 * thread key made safe ({@code th:1234…} → {@code th-1234…}); when that spelling could stand for another key too, or
 * is cut to its last 24 characters, a 6-hex digest of the exact key follows. Names only use {@code [A-Za-z0-9-]}, which
 * tmux never reads as target syntax.
 */
public final class WindowNames {
    private static final Pattern UNSAFE_IN_HANDLE = Pattern.compile("[^A-Za-z0-9-]");
    /** Keys whose safe spelling maps back to exactly one key: {@code th:…}, {@code dm:…}, {@code cli:name}. */
    private static final Pattern REVERSIBLE = Pattern.compile("[A-Za-z0-9]+:[A-Za-z0-9]+");
    private static final int BASE_MAX = 24;
    private static final int THREAD_MAX = 24;

    private WindowNames() {
    }

    public static String of(String handle, String threadKey) {
        String base = UNSAFE_IN_HANDLE.matcher(handle).replaceAll("");
        base = base.isEmpty() ? "s" : base.substring(0, Math.min(BASE_MAX, base.length()));
        String thread = SafeKeys.of(threadKey);
        boolean exact = REVERSIBLE.matcher(threadKey).matches() && thread.length() <= THREAD_MAX;
        if (thread.length() > THREAD_MAX) {
            thread = thread.substring(thread.length() - THREAD_MAX);
        }
        return base + "-" + thread + (exact ? "" : "-" + digest(threadKey));
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
