package dev.agenttunnel.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Whole-file writes that readers see either entirely or not at all: temp file, fsync, rename.
 *
 * <p>Safe where another local process (a fork of a Claude session) can plant files beside ours. The temp file gets a
 * fresh random name and is created exclusively ({@code O_CREAT|O_EXCL}, which fails on any existing entry, a symlink
 * included), and the bytes go through that same descriptor; so a planted {@code registry.json.tmp -> ~/.bashrc} is
 * never written through. A name already taken is skipped, not reused or deleted. The caller cannot choose the temp
 * name: a fixed one is what made the hole.
 *
 * <p>A target that is a symlink (a registry kept in a dotfiles repository) is written through, not replaced: the
 * temp file goes beside the link's final target and is renamed over that, so the link stays a link.
 */
public final class AtomicFiles {
    /** Random names tried before giving up; only a directory full of planted names uses more than one. */
    private static final int ATTEMPTS = 64;
    /** Links followed from the target before giving up, as Linux's {@code MAXSYMLINKS}. */
    private static final int MAX_LINKS = 40;
    private static final Set<OpenOption> CREATE_EXCLUSIVE = Set.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code bytes}; a new file gets the process's default permissions. */
    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, bytes, Optional.empty(), ThreadLocalRandom.current());
    }

    /**
     * Replaces {@code target} with {@code bytes}; a new file gets {@code newFilePermissions} (e.g. {@code rw-------}
     * for account state), an existing one keeps its own.
     */
    public static void replace(Path target, byte[] bytes, Set<PosixFilePermission> newFilePermissions) throws IOException {
        replace(target, bytes, Optional.of(newFilePermissions), ThreadLocalRandom.current());
    }

    static void replace(Path target, byte[] bytes, Optional<Set<PosixFilePermission>> newFilePermissions,
            RandomGenerator random) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path file = followLinks(target.toAbsolutePath());
        Optional<Set<PosixFilePermission>> permissions = existingPermissions(file).or(() -> newFilePermissions);
        Path temp = writeTemp(file, bytes, permissions, random);
        try {
            move(temp, file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** {@code <name>.<16 hex digits>.tmp} beside {@code file}, the name {@code random} gives next. */
    static Path tempName(Path file, RandomGenerator random) {
        return file.resolveSibling(file.getFileName() + "." + HexFormat.of().toHexDigits(random.nextLong()) + ".tmp");
    }

    private static Path writeTemp(Path file, byte[] bytes, Optional<Set<PosixFilePermission>> permissions,
            RandomGenerator random) throws IOException {
        FileAttribute<?>[] attributes = permissions.map(p -> new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(p)})
                .orElse(new FileAttribute<?>[0]);
        for (int attempt = 1; ; attempt++) {
            Path temp = tempName(file, random);
            FileChannel out;
            try {
                out = FileChannel.open(temp, CREATE_EXCLUSIVE, attributes);
            } catch (FileAlreadyExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw new IOException("Cannot create a temp file beside " + file + ": " + ATTEMPTS
                            + " random names were all taken. Remove the stray " + file.getFileName() + ".*.tmp entries.", e);
                }
                continue; // stale or planted: never ours to open, so try another name
            }
            try (out) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return temp;
        }
    }

    /**
     * The file a write to {@code path} lands in: {@code path} itself, or the end of its chain of symlinks (which need
     * not exist yet). Each relative link is taken from the folder of the link, as the kernel does; no {@code ..} is
     * folded away by hand, since that would be wrong below a symlinked folder.
     */
    public static Path followLinks(Path path) throws IOException {
        Path file = path;
        for (int links = 0; Files.isSymbolicLink(file); links++) {
            if (links == MAX_LINKS) {
                throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
            }
            file = file.resolveSibling(Files.readSymbolicLink(file));
        }
        return file;
    }

    private static Optional<Set<PosixFilePermission>> existingPermissions(Path file) throws IOException {
        try {
            return Optional.of(Files.getPosixFilePermissions(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
