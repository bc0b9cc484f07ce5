package dev.agenttunnel.core.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A JSON object on disk shared by several processes (the hook, the daemon, CLI commands, the Python tool).
 *
 * <p>Every change takes the exclusive flock on {@code <file>.lock}, re-reads the file, applies the change and
 * replaces the file atomically, so no writer works from a stale snapshot and no reader sees half a file. A
 * file that is not a JSON object is never read as empty (which would make the next write drop every record):
 * reads and changes fail with {@link CorruptFileException}, and {@link #moveAsideIfCorrupt()} keeps it under a
 * new name. A file over its size cap is refused unread ({@link OversizedFileException}) and never moved aside.
 * Writes go through {@link AtomicFiles}: a fresh, exclusively created temp file per write (not the
 * Python tool's fixed {@code <file>.tmp}, which a planted symlink could redirect).
 *
 * <p>Changes made at the same time through one instance (a daemon's many conversations) are committed together:
 * while one batch is written, the next ones queue, and the first of them writes them all under one lock, one read
 * and one fsync'd replace, each change applied in arrival order and each caller getting its own result or failure.
 */
public final class JsonStateFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** A change to the file's root object; returns what the caller wants to know about it. */
    @FunctionalInterface
    public interface Change<T> {
        T apply(ObjectNode root) throws IOException;
    }

    /** Takes the exclusive lock on a lock file; {@link FileLock#acquire} unless the caller holds it already. */
    @FunctionalInterface
    public interface Locker {
        AutoCloseable lock(Path lockFile) throws IOException;
    }

    private final Path path;
    private final Path lockPath;
    private final int maxBytes;
    private final Locker locker;
    private final Object batchLock = new Object();
    private List<Pending<?>> queued = new ArrayList<>();
    private boolean committing;

    /** A change waiting for its batch, and then how it went. Guarded by {@code batchLock}. */
    private static final class Pending<T> {
        final Change<T> change;
        boolean done;
        T result;
        Throwable failure;

        Pending(Change<T> change) {
            this.change = change;
        }

        void apply(ObjectNode root) {
            ObjectNode before = root.deepCopy();
            try {
                result = change.apply(root);
            } catch (IOException | RuntimeException e) {
                failure = e;
                root.removeAll();
                root.setAll(before); // a failed change leaves nothing behind for the others
            }
        }
    }

    /**
     * A state file of at most {@code maxBytes}: a larger one is refused with {@link OversizedFileException} before any of
     * it is read. Pick a cap far above what agent-tunnel writes, but one the smallest JVM reading it can parse.
     */
    public JsonStateFile(Path path, long maxBytes, Locker locker) {
        if (maxBytes <= 0 || maxBytes >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes must be between 1 and 2^31 - 2, not " + maxBytes);
        }
        this.path = path.toAbsolutePath().normalize();
        this.lockPath = this.path.resolveSibling(this.path.getFileName() + ".lock");
        this.maxBytes = (int) maxBytes;
        this.locker = locker;
    }

    public JsonStateFile(Path path, long maxBytes) {
        this(path, maxBytes, FileLock::acquire);
    }

    /** {@code <file>.lock}, the file whose flock guards every change. */
    public Path lockPath() {
        return lockPath;
    }

    public Path path() {
        return path;
    }

    /**
     * The current content without taking the lock; an empty object when the file does not exist. A file over the cap
     * is refused by its size, and the read itself stops one byte past the cap, should the file grow meanwhile.
     */
    public ObjectNode read() throws IOException {
        byte[] bytes;
        try {
            if (Files.exists(path) && !Files.isRegularFile(path)) { // a FIFO would block the reader (the hook) for ever
                throw new java.nio.file.FileSystemException(path.toString(), null, "not a regular file (a pipe, device or "
                        + "folder stands there); move it away, and agent-tunnel starts a new one");
            }
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new OversizedFileException(path, size, maxBytes);
            }
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(maxBytes + 1);
            }
        } catch (NoSuchFileException e) {
            return JsonTrees.nodes().objectNode();
        }
        if (bytes.length > maxBytes) {
            throw new OversizedFileException(path, bytes.length, maxBytes);
        }
        return parse(bytes);
    }

    /**
     * Applies {@code change} under the lock to a fresh read, and writes the result if it differs; returns once it is
     * on disk (possibly together with changes of other threads).
     */
    public <T> T update(Change<T> change) throws IOException {
        Pending<T> mine = new Pending<>(change);
        boolean interrupted = false;
        List<Pending<?>> batch;
        synchronized (batchLock) {
            queued.add(mine);
            while (committing && !mine.done) {
                try {
                    batchLock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the change is queued: it must still be seen through
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (mine.done) {
                return outcome(mine);
            }
            committing = true;
            batch = queued;
            queued = new ArrayList<>();
        }
        try {
            commit(batch);
        } finally {
            synchronized (batchLock) {
                committing = false;
                batch.forEach(p -> p.done = true);
                batchLock.notifyAll();
            }
        }
        return outcome(mine);
    }

    private static <T> T outcome(Pending<T> pending) throws IOException {
        return switch (pending.failure) {
            case null -> pending.result;
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IOException(pending.failure);
        };
    }

    /** One lock, one read, every change in order, one write; a failure to read or write fails them all. */
    private void commit(List<Pending<?>> batch) {
        try (AutoCloseable ignored = locker.lock(lockPath)) {
            ObjectNode root = read();
            ObjectNode before = root.deepCopy();
            batch.forEach(p -> p.apply(root));
            if (!root.equals(before)) {
                AtomicFiles.replace(path, serialise(root));
            }
        } catch (Exception e) {
            IOException failure = e instanceof IOException io ? io
                    : new IOException("Cannot release the lock " + lockPath + ": " + e.getMessage(), e);
            batch.forEach(p -> {
                p.failure = e instanceof RuntimeException runtime ? runtime : failure;
                p.result = null;
            });
        }
    }

    /**
     * Under the lock, renames a corrupt file to {@code <file>.corrupt-<UTC time>} so a fresh one can be started
     * without losing what it held. A symlinked file is renamed where the link points, and the link is kept. Returns
     * where it went, or empty when the file is missing or fine.
     */
    public java.util.Optional<Path> moveAsideIfCorrupt() throws IOException {
        try {
            return moveAsideLocked();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("Cannot release the lock " + lockPath + ": " + e.getMessage(), e);
        }
    }

    private java.util.Optional<Path> moveAsideLocked() throws Exception {
        try (AutoCloseable ignored = locker.lock(lockPath)) {
            try {
                read();
                return java.util.Optional.empty();
            } catch (CorruptFileException e) {
                Path real = AtomicFiles.followLinks(path); // a symlinked file stays linked: the next write goes through
                Path aside = real.resolveSibling(real.getFileName() + ".corrupt-" + STAMP.format(Instant.now()));
                int n = 1;
                while (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                    aside = real.resolveSibling(real.getFileName() + ".corrupt-" + STAMP.format(Instant.now()) + "-" + n++);
                }
                Files.move(real, aside, StandardCopyOption.ATOMIC_MOVE);
                return java.util.Optional.of(aside);
            }
        }
    }

    /** The JSON text we write: 2-space indent, {@code "key": value}, trailing newline (as Python's json.dump). */
    public static byte[] serialise(JsonNode root) throws IOException {
        return JsonTrees.pretty(root);
    }

    /**
     * Puts epoch seconds as a plain decimal ({@code 1795317963.244}, as Python writes them, not {@code 1.79E9}).
     * The digits are the shortest that round-trip, so the double read back is bit-identical.
     */
    public static void putSeconds(ObjectNode node, String field, double seconds) {
        node.put(field, new java.math.BigDecimal(Double.toString(seconds)));
    }

    private ObjectNode parse(byte[] bytes) throws CorruptFileException {
        JsonNode node;
        try {
            node = JsonTrees.parse(bytes);
        } catch (IOException e) {
            throw new CorruptFileException(path, firstLine(e.getMessage()));
        }
        if (node == null || node.isMissingNode()) {
            throw new CorruptFileException(path, "the file is empty");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new CorruptFileException(path, "the top level is " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not an object");
        }
        return object;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
