package dev.agenttunnel.core.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where claude keeps a session's transcript, and how to tell that it is gone: every fork starts from the published
 * session's transcript ({@code claude --resume <id> --fork-session}), so once that file is deleted or moved no fork can
 * start, and claude says only "No conversation found with session ID: …".
 */
public final class SessionTranscripts {
    private static final Pattern NOT_ALPHANUMERIC = Pattern.compile("[^A-Za-z0-9]");
    private static final Pattern NO_CONVERSATION = Pattern.compile("No conversation found with session ID:?\\s*([0-9A-Za-z][0-9A-Za-z-]*)");

    private SessionTranscripts() {
    }

    /** The folder claude keeps a project's transcripts in: its path with every character but A-Z, a-z, 0-9 as '-'. */
    public static String folderName(String projectDir) {
        return NOT_ALPHANUMERIC.matcher(projectDir).replaceAll("-");
    }

    /** {@code <config dir>/projects/<folder name>/<session id>.jsonl}. */
    public static Path expected(Path configDir, String projectDir, String sessionId) {
        return configDir.resolve("projects").resolve(folderName(projectDir)).resolve(sessionId + ".jsonl");
    }

    /** The transcript a published session's record names, when that file is no longer there; empty if it is, or none is named. */
    public static Optional<Path> gone(RegistryRecord record) {
        if (record.transcriptPath().isBlank()) {
            return Optional.empty();
        }
        Path transcript = Path.of(record.transcriptPath());
        return Files.exists(transcript) ? Optional.empty() : Optional.of(transcript);
    }

    /** The session id in claude's "No conversation found with session ID: X", when {@code claudeSaid} says that. */
    public static Optional<String> missingSession(String claudeSaid) {
        Matcher m = NO_CONVERSATION.matcher(claudeSaid == null ? "" : claudeSaid);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
