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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a file that someone else (a fork's model) may have planted, without trusting what its path points at: the
 * file is opened with {@code O_NOFOLLOW | O_NONBLOCK} (a symbolic link fails to open, a FIFO opens at once instead of
 * waiting for a writer), and every check — regular file, one name only ({@code st_nlink == 1}), size, where it really
 * lies — is made on the opened descriptor, so nothing can be swapped between the check and the read.
 */
public final class NoFollowFile {
    /** Why a file was not read. */
    public enum Refusal {
        SYMLINK("a symbolic link"),
        NOT_REGULAR("not a regular file (a FIFO, socket or device)"),
        HARD_LINK("a hard link to a file with another name"),
        OUTSIDE("outside its folder"),
        TOO_LARGE("too large"),
        UNREADABLE("unreadable");

        private final String words;

        Refusal(String words) {
            this.words = words;
        }

        /** What the refusal means, in words for a chat note. */
        public String words() {
            return words;
        }
    }

    /** What reading gave: the bytes, or why not (with the size seen, for a file too large). */
    public sealed interface Result {
        record Read(byte[] content) implements Result {
        }

        record Refused(Refusal refusal, long size) implements Result {
        }
    }

    private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
    private static final boolean ARM = System.getProperty("os.arch", "").contains("aarch64");
    private static final int O_NONBLOCK = MAC ? 0x4 : 04000;
    private static final int O_NOFOLLOW = MAC ? 0x100 : ARM ? 0100000 : 0400000;
    private static final int O_CLOEXEC = MAC ? 0x1000000 : 02000000;
    private static final int O_NOCTTY = MAC ? 0x20000 : 0400;
    private static final int ELOOP = MAC ? 62 : 40;
    private static final int EINTR = 4;
    private static final int ENXIO = 6; // a socket (or a device without its driver): not something to read
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private NoFollowFile() {
    }

    /**
     * Reads {@code file} if it is a regular file with one name, at most {@code maxBytes} long, whose opened
     * descriptor really lies inside {@code folder} (a real path; checked where the system tells, Linux's
     * {@code /proc/self/fd}). Never blocks on a FIFO and never follows a symbolic link in the last component.
     */
    public static Result read(Path file, Path folder, long maxBytes) {
        int fd;
        try {
            fd = open(file);
        } catch (IOException e) {
            return new Result.Refused(e instanceof OpenRefused refused ? refused.refusal : Refusal.UNREADABLE, -1);
        }
        try {
            Map<String, Object> stat = Files.readAttributes(descriptorPath(fd), "unix:mode,nlink,size");
            int mode = (Integer) stat.get("mode");
            long size = (Long) stat.get("size");
            if ((mode & S_IFMT) != S_IFREG) {
                return new Result.Refused(Refusal.NOT_REGULAR, -1);
            }
            if ((Integer) stat.get("nlink") != 1) {
                return new Result.Refused(Refusal.HARD_LINK, size);
            }
            Optional<Path> really = realPath(fd);
            if (really.isPresent() && !really.get().startsWith(folder)) {
                return new Result.Refused(Refusal.OUTSIDE, size);
            }
            if (size > maxBytes) {
                return new Result.Refused(Refusal.TOO_LARGE, size);
            }
            byte[] content = readAll(fd, maxBytes);
            return content == null ? new Result.Refused(Refusal.TOO_LARGE, maxBytes + 1) : new Result.Read(content);
        } catch (IOException | RuntimeException e) {
            return new Result.Refused(Refusal.UNREADABLE, -1);
        } finally {
            close(fd);
        }
    }

    /** The descriptor as a path the system resolves to the open file itself (also on macOS, where {@code /dev/fd} stats it). */
    private static Path descriptorPath(int fd) {
        Path proc = Path.of("/proc/self/fd/" + fd);
        return MAC ? Path.of("/dev/fd/" + fd) : proc;
    }

    /** Where the opened file lies now, when the system says ({@code /proc/self/fd/N} on Linux). */
    private static Optional<Path> realPath(int fd) {
        if (MAC) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static int open(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toAbsolutePath().toString());
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int fd = (int) OPEN.invokeExact(state, path, O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0);
                if (fd >= 0) {
                    return fd;
                }
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == ELOOP) {
                    throw new OpenRefused(file, Refusal.SYMLINK);
                }
                if (errno == ENXIO) {
                    throw new OpenRefused(file, Refusal.NOT_REGULAR);
                }
                if (errno != EINTR) {
                    throw new IOException("cannot open " + file + " (errno " + errno + ")");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("cannot open " + file, e);
        }
    }

    /** The whole file, or null when it holds more than {@code maxBytes} (it grew after the size was checked). */
    private static byte[] readAll(int fd, long maxBytes) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64 * 1024);
            MemorySegment state = arena.allocate(CALL_STATE);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
                if (n == 0) {
                    return out.toByteArray();
                }
                if (n < 0) {
                    int errno = (int) ERRNO.get(state, 0L);
                    if (errno == EINTR) {
                        continue;
                    }
                    throw new IOException("read failed (errno " + errno + ")");
                }
                if (out.size() + n > maxBytes) {
                    return null;
                }
                out.write(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("read failed", e);
        }
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // nothing to do: the descriptor is gone either way
        }
    }

    private static final class OpenRefused extends IOException {
        private final Refusal refusal;

        OpenRefused(Path file, Refusal refusal) {
            super(file + " is " + refusal.words());
            this.refusal = refusal;
        }
    }
}
