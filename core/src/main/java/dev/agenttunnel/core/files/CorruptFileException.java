package dev.agenttunnel.core.files;

import java.io.IOException;
import java.nio.file.Path;

/** A state file that exists but is not what we wrote: we report it rather than read it as empty. */
public final class CorruptFileException extends IOException {
    private final Path file;

    public CorruptFileException(Path file, String problem) {
        super(file + " is not valid agent-tunnel JSON (" + problem + "). Fix it by hand, or move it away and "
                + "let agent-tunnel start a new one.");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
