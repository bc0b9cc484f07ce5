package dev.agenttunnel.core.claude;

import dev.agenttunnel.core.AccessLevel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one turn of a fork needs to know to start claude: which session to resume (the expert on the first turn,
 * then the fork), the access level, where the session lives, and the extra folders it may read.
 *
 * @param resumeId     the expert session id on the first turn, the fork id afterwards
 * @param forkSession  true on the first turn: {@code --fork-session} leaves the expert untouched
 * @param projectDir   the session's project folder, the fork's working directory
 * @param configDir    the Claude config dir the session lives under; empty means the default
 * @param readableDirs folders outside the project the fork may read (its own thread's uploads), given to claude as
 *                     {@code permissions.additionalDirectories}: {@code --add-dir} would also load {@code .claude/}
 *                     commands, skills and agents from them
 * @param outbox       where the fork puts files to hand back (write levels and up)
 */
public record ForkTurn(
        String resumeId,
        boolean forkSession,
        AccessLevel access,
        Path projectDir,
        String configDir,
        List<Path> readableDirs,
        Optional<Path> outbox) {
    public ForkTurn {
        if (resumeId == null || resumeId.isBlank()) {
            throw new IllegalArgumentException("a turn needs a session id to resume");
        }
        configDir = configDir == null ? "" : configDir;
        readableDirs = List.copyOf(readableDirs);
    }
}
