package dev.agenttunnel.core.files;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An exclusive {@code flock(2)} on a lock file, held until {@link #close()}.
 *
 * <p>We call flock itself, not {@code FileChannel.lock}: Java's channel locks are POSIX record locks, which on
 * Linux do not exclude flock holders such as the Python {@code >share} hook. flock locks belong to the open
 * file description, so two threads of this JVM that each open the lock file also exclude each other, and no
 * in-process lock is needed beside it. The call goes through the JDK's foreign-function API, which needs no
 * native library to be unpacked first (that matters on the hook's start-up path).
 */
public final class FileLock implements AutoCloseable {
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int EINTR = 4;
    private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
    /** flock's "someone else holds it" for a non-blocking attempt (EWOULDBLOCK). */
    private static final int EWOULDBLOCK = MAC ? 35 : 11;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = MAC ? 0x200 : 0100;
    private static final int O_CLOEXEC = MAC ? 0x1000000 : 02000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = LINKER.downcallHandle(
            LINKER.defaultLookup().find("flock").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Path path;
    private int fd;

    private FileLock(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Creates the lock file (and its folder) if needed and blocks until the exclusive lock is ours. */
    public static FileLock acquire(Path lockFile) throws IOException {
        Path parent = lockFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        int fd = open(lockFile);
        try {
            lock(fd, LOCK_EX, lockFile);
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
        return new FileLock(lockFile, fd);
    }

    /**
     * Takes the exclusive lock if nobody holds it, creating the file (not its folder) if needed; empty when another open
     * file description holds it — another process, or another {@code FileLock} of this one.
     */
    public static java.util.Optional<FileLock> tryAcquire(Path lockFile) throws IOException {
        int fd = open(lockFile);
        try {
            if (!lock(fd, LOCK_EX | LOCK_NB, lockFile)) {
                closeQuietly(fd);
                return java.util.Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
        return java.util.Optional.of(new FileLock(lockFile, fd));
    }

    public Path path() {
        return path;
    }

    /**
     * Whether the file this lock holds is still the one at {@link #path()}: false once that name was removed or renamed
     * over (a lock on a file nobody finds any more excludes nobody).
     */
    public boolean isStillAtPath() throws IOException {
        if (fd < 0) {
            return false;
        }
        try {
            return Files.isSameFile(Path.of(MAC ? "/dev/fd" : "/proc/self/fd", String.valueOf(fd)), path);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Renames the locked file over {@code target} (atomically, in the same folder) and returns the lock under its new
     * name; this one is spent. Whoever opens {@code target} from then on meets the lock.
     */
    public FileLock renameTo(Path target) throws IOException {
        if (fd < 0) {
            throw new IllegalStateException("the lock on " + path + " was released");
        }
        Files.move(path, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        FileLock moved = new FileLock(target, fd);
        fd = -1;
        return moved;
    }

    @Override
    public void close() throws IOException {
        if (fd < 0) {
            return;
        }
        int held = fd;
        fd = -1;
        try {
            lock(held, LOCK_UN, path);
        } finally {
            closeQuietly(held);
        }
    }

    private static int open(Path lockFile) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment cPath = arena.allocateFrom(lockFile.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(state, cPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0) {
                throw new IOException("Cannot open lock file " + lockFile + " (errno " + errno(state) + ")");
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("Cannot open lock file " + lockFile, t);
        }
    }

    /** flock(2), retried on EINTR; false when a non-blocking attempt finds the lock held. */
    private static boolean lock(int fd, int operation, Path lockFile) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int rc = (int) FLOCK.invokeExact(state, fd, operation);
                if (rc == 0) {
                    return true;
                }
                int errno = errno(state);
                if (errno == EWOULDBLOCK && (operation & LOCK_NB) != 0) {
                    return false;
                }
                if (errno != EINTR) {
                    throw new IOException("flock failed on " + lockFile + " (errno " + errno + ")");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("flock failed on " + lockFile, t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static void closeQuietly(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // Closing a descriptor we opened cannot usefully fail; the kernel releases the lock with it.
        }
    }
}
