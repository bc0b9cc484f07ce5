package dev.agenttunnel.core.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A state file larger than we ever write: refused before it is read, so a runaway or hostile file cannot exhaust
 * the memory of a small JVM (the {@code >share} hook runs with 64 MB of heap).
 */
public final class OversizedFileException extends IOException {
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;

    private final Path file;
    private final long size;
    private final long cap;

    public OversizedFileException(Path file, long size, long cap) {
        super(file + " is " + size + " bytes (" + human(size) + "), more than the " + human(cap)
                + " agent-tunnel reads from it, so it was not read. agent-tunnel never writes it this large: look at what "
                + "filled it, then trim it or move it away (agent-tunnel then starts a new one).");
        this.file = file;
        this.size = size;
        this.cap = cap;
    }

    public Path file() {
        return file;
    }

    public long size() {
        return size;
    }

    public long cap() {
        return cap;
    }

    /** {@code 4 MiB}, {@code 43.2 MiB}, {@code 1.0 KiB}, {@code 12 bytes}. */
    static String human(long bytes) {
        long unit = bytes >= MIB ? MIB : bytes >= KIB ? KIB : 1;
        String name = unit == MIB ? "MiB" : unit == KIB ? "KiB" : "bytes";
        return bytes % unit == 0 ? bytes / unit + " " + name
                : String.format(Locale.ROOT, "%.1f %s", bytes / (double) unit, name);
    }
}
