package dev.agenttunnel.core.attachments;

import dev.agenttunnel.core.chat.OutgoingFile;
import dev.agenttunnel.core.files.NoFollowFile;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A fork's outbox ({@code <project>/.agent-tunnel-out/<thread>/}, write levels and up): what it holds before a turn,
 * and after the turn the files that are new or changed, read for posting. Only regular files with one name that
 * really lie inside the outbox are taken; a symbolic link, a hard link, a FIFO, a socket or a device is named in a
 * note and never read (nor waited on). Every check is made on the opened file ({@link NoFollowFile}).
 */
public final class Outbox {
    /** What an entry looked like (without following links): changed when any part differs. */
    record Seen(long size, long mtimeNanos, Object fileKey, boolean regular) {
    }

    /** The outbox as it was before a turn (relative path → how it looked). */
    public record Snapshot(Map<String, Seen> entries) {
        public Snapshot {
            entries = Map.copyOf(entries);
        }

        public static Snapshot empty() {
            return new Snapshot(Map.of());
        }
    }

    /**
     * What a turn left to post.
     *
     * @param files    new or changed files, read, in path order (named by their path inside the outbox, {@code /} as {@code _})
     * @param tooLarge files over the cap, each with its size ({@code data.csv (12.0 MB)})
     * @param refused  entries that are not plain files of the outbox, each with why ({@code key (a symbolic link)})
     */
    public record Deliverables(List<OutgoingFile> files, List<String> tooLarge, List<String> refused) {
        public Deliverables {
            files = List.copyOf(files);
            tooLarge = List.copyOf(tooLarge);
            refused = List.copyOf(refused);
        }

        public static Deliverables none() {
            return new Deliverables(List.of(), List.of(), List.of());
        }

        public boolean isEmpty() {
            return files.isEmpty() && tooLarge.isEmpty() && refused.isEmpty();
        }
    }

    private Outbox() {
    }

    /** Every entry below {@code outbox}, links not followed; empty when it does not exist. */
    public static Snapshot snapshot(Path outbox) throws IOException {
        return new Snapshot(scan(outbox));
    }

    /**
     * The files new or changed since {@code before}, read if they are plain files of {@code outbox} of at most
     * {@code maxBytes}. An outbox that is a link, or inside an outbox root that is one, gives nothing: each file must
     * really lie inside the folder the fork was told of.
     */
    public static Deliverables collect(Path outbox, Snapshot before, long maxBytes) throws IOException {
        Path root = outbox.toAbsolutePath().normalize().getParent();
        if (!Files.isDirectory(outbox, LinkOption.NOFOLLOW_LINKS) || root == null || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return Deliverables.none();
        }
        Path real = outbox.toRealPath();
        List<OutgoingFile> files = new ArrayList<>();
        List<String> tooLarge = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, Seen> entry : scan(outbox).entrySet()) {
            if (entry.getValue().equals(before.entries().get(entry.getKey()))) {
                continue;
            }
            String name = entry.getKey();
            NoFollowFile.Result result = NoFollowFile.read(real.resolve(name), real, maxBytes);
            switch (result) {
                case NoFollowFile.Result.Read read -> files.add(new OutgoingFile(name.replace('/', '_'), read.content()));
                case NoFollowFile.Result.Refused r when r.refusal() == NoFollowFile.Refusal.TOO_LARGE ->
                        tooLarge.add(name + " (" + Inbox.mb(r.size()) + ")");
                case NoFollowFile.Result.Refused r -> refused.add(name + " (" + r.refusal().words() + ")");
            }
        }
        return new Deliverables(files, tooLarge, refused);
    }

    /** Relative path → attributes of every entry that is not a directory, without following links. */
    private static Map<String, Seen> scan(Path outbox) throws IOException {
        Map<String, Seen> entries = new TreeMap<>();
        if (!Files.isDirectory(outbox, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        Files.walkFileTree(outbox, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String relative = outbox.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                entries.put(relative, new Seen(attrs.size(), attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                        attrs.fileKey(), attrs.isRegularFile()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return entries;
    }
}
