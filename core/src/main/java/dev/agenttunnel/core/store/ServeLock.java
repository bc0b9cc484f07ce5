package dev.agenttunnel.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.files.FileLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One {@code serve} per state folder: an exclusive {@code flock(2)} on {@code <state dir>/serve.lock}, a file that also
 * says who holds it (pid and start time, as JSON). Two daemons on one state would both log in and answer every
 * question twice.
 *
 * <p>The kernel drops a flock with its process, so the lock of a daemon that was killed (SIGKILL, a crash) is free at
 * once and the next {@code serve} takes it over; the record the dead one left is {@link Acquired#previous()}. The file
 * is never written in place: the new holder writes a fresh file, locks it, and renames it over {@code serve.lock}, so a
 * reader always reads a whole record. A lock won on a file that was renamed over meanwhile is given up and tried again.
 * A clean stop removes the file.
 */
public final class ServeLock implements AutoCloseable {
    public static final String FILE_NAME = "serve.lock";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 16;

    /** Who holds (or held) the lock: a process id and since when. */
    public record Holder(long pid, Instant since) {
        /** This process, from now. */
        public static Holder thisProcess() {
            return new Holder(ProcessHandle.current().pid(), Instant.now());
        }
    }

    /** How {@link #tryAcquire} went. */
    public sealed interface Attempt {
    }

    /** The lock is ours; {@code previous} is the record of a holder that did not stop cleanly, if one was left. */
    public record Acquired(ServeLock lock, Optional<Holder> previous) implements Attempt {
    }

    /** Another process holds the lock; {@code holder} is empty while it is still writing its record. */
    public record Held(Optional<Holder> holder) implements Attempt {
    }

    private final FileLock lock;

    private ServeLock(FileLock lock) {
        this.lock = lock;
    }

    /** Takes the lock of {@code stateDir} for {@code me}, or says who has it; never waits for it. */
    public static Attempt tryAcquire(Path stateDir, Holder me) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(FILE_NAME);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<FileLock> found = FileLock.tryAcquire(file);
            if (found.isEmpty()) {
                // A record whose process is gone is the previous holder's: the new one has not renamed its own in yet.
                return new Held(read(file).filter(h -> ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false)));
            }
            FileLock old = found.get();
            try {
                if (!old.isStillAtPath()) {
                    continue; // renamed over between our open and our lock: the new file is the one to try
                }
                Optional<Holder> previous = read(file);
                FileLock fresh = writeLocked(file, me);
                try {
                    return new Acquired(new ServeLock(fresh.renameTo(file)), previous);
                } catch (IOException | RuntimeException e) {
                    fresh.close();
                    Files.deleteIfExists(fresh.path());
                    throw e;
                }
            } finally {
                old.close();
            }
        }
        throw new IOException("Cannot take " + file + ": it was replaced " + ATTEMPTS + " times while we tried");
    }

    /** The lock file. */
    public Path path() {
        return lock.path();
    }

    /** Removes the lock file and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isStillAtPath()) {
                Files.deleteIfExists(lock.path());
            }
        } finally {
            lock.close();
        }
    }

    /** A fresh file beside {@code file} holding {@code me}, locked before anyone can find it under {@code file}'s name. */
    private static FileLock writeLocked(Path file, Holder me) throws IOException {
        ObjectNode record = JSON.createObjectNode().put("pid", me.pid()).put("started_at", me.since().toString());
        byte[] bytes = (JSON.writeValueAsString(record) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path temp = file.resolveSibling(file.getFileName() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            out.write(ByteBuffer.wrap(bytes));
            out.force(true);
        }
        try {
            return FileLock.tryAcquire(temp).orElseThrow(() -> new IOException("Cannot lock the new " + temp));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The holder the file names; empty when it is missing, empty or not a record of ours. */
    static Optional<Holder> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.path("pid").canConvertToLong() || !node.path("started_at").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new Holder(node.path("pid").asLong(), Instant.parse(node.path("started_at").asText())));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
