package dev.agenttunnel.core.attachments;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * File names for what colleagues attach: whatever a name says, the file lands in its turn's folder under one plain
 * name — no path separators, no {@code ..}, no leading dot (so never {@code .claude} or {@code .env}), no control or
 * other unusual characters, at most {@value #MAX_LENGTH} characters, the extension kept, unique within the folder.
 */
public final class SafeNames {
    public static final int MAX_LENGTH = 120;
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]+");
    private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,11}$");

    private SafeNames() {
    }

    /**
     * The name's last path component (split on {@code /} and {@code \}), every run of other characters than
     * {@code A-Z a-z 0-9 . _ -} made one {@code _}, dots and underscores trimmed at both ends (and dashes at the start:
     * no name reads as an option), the stem cut so that
     * stem and extension fit {@value #MAX_LENGTH}; {@code file} (with the extension, if any) when nothing is left.
     * {@code ../../etc/passwd} → {@code passwd}, {@code my file (1).csv} → {@code my_file_1.csv}, {@code ___.pdf} →
     * {@code file.pdf}.
     */
    public static String of(String raw) {
        String name = raw == null ? "" : raw;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = UNSAFE.matcher(name.substring(slash + 1)).replaceAll("_");
        String extension = "";
        var ext = EXTENSION.matcher(name);
        if (ext.find()) {
            extension = ext.group();
            name = name.substring(0, ext.start());
        }
        String stem = trim(name);
        if (stem.isEmpty()) {
            stem = "file";
        }
        if (stem.length() + extension.length() > MAX_LENGTH) {
            stem = trim(stem.substring(0, MAX_LENGTH - extension.length()));
            if (stem.isEmpty()) {
                stem = "file";
            }
        }
        return stem + extension;
    }

    /**
     * {@code name}, or — when {@code taken} already holds it — {@code name} with {@code -2}, {@code -3}, … before its
     * first dot ({@code a.tar.gz} → {@code a-2.tar.gz}), still within {@value #MAX_LENGTH} characters.
     */
    public static String unique(String name, Collection<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        int dot = name.indexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String rest = dot < 0 ? "" : name.substring(dot);
        for (int n = 2; ; n++) {
            String suffix = "-" + n;
            String cut = stem.length() + suffix.length() + rest.length() > MAX_LENGTH
                    ? stem.substring(0, Math.max(1, MAX_LENGTH - suffix.length() - rest.length())) : stem;
            String candidate = cut + suffix + rest;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == '_' || s.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '_')) {
            end--;
        }
        return s.substring(start, end);
    }
}
