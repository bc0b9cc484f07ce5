package dev.agenttunnel.core.registry;

import dev.agenttunnel.core.Environment;
import java.util.Optional;

/** Finding the Claude config dir a session lives under. */
public final class ConfigDirs {
    private static final String PROJECTS = "/projects/";

    private ConfigDirs() {
    }

    /**
     * The part of a transcript path before its {@code /projects/} folder. We split at the <em>last</em>
     * occurrence, so a home that itself contains {@code /projects/} still works (upstream splits at the first).
     */
    public static Optional<String> fromTranscriptPath(String transcriptPath) {
        if (transcriptPath == null) {
            return Optional.empty();
        }
        int at = transcriptPath.lastIndexOf(PROJECTS);
        return at <= 0 ? Optional.empty() : Optional.of(transcriptPath.substring(0, at));
    }

    /** The hook's rule: from the transcript path, else {@code $CLAUDE_CONFIG_DIR}, else {@code ~/.claude}. */
    public static String detect(String transcriptPath, Environment env) {
        return fromTranscriptPath(transcriptPath)
                .or(() -> env.get("CLAUDE_CONFIG_DIR").map(dir -> env.resolve(dir).toString()))
                .orElseGet(() -> env.defaultClaudeConfigDir().toString());
    }
}
