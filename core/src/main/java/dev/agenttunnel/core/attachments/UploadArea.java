package dev.agenttunnel.core.attachments;

import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps every thread's uploads together ({@code <state dir>/uploads/}) under {@code [limits] max_uploads_mb}: when
 * over, whole threads' upload folders go, the longest unused first (by the newest file in each), never the thread
 * whose turn is starting.
 */
public final class UploadArea {
    private UploadArea() {
    }

    /** A thread's upload folder: its size and when anything in it last changed. */
    private record Folder(Path path, long bytes, long lastChangedMillis) {
    }

    /** Deletes the oldest threads' folders under {@code uploadsRoot} until the rest fit {@code maxBytes}; returns those deleted. */
    public static List<Path> trim(Path uploadsRoot, long maxBytes, Path keep) throws IOException {
        if (!Files.isDirectory(uploadsRoot, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Folder> folders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(uploadsRoot)) {
            for (Path p : entries.toList()) {
                folders.add(measure(p));
            }
        }
        long total = folders.stream().mapToLong(Folder::bytes).sum();
        List<Path> deleted = new ArrayList<>();
        folders.sort(Comparator.comparingLong(Folder::lastChangedMillis));
        for (Folder folder : folders) {
            if (total <= maxBytes) {
                break;
            }
            if (folder.path().equals(keep)) {
                continue;
            }
            TurnFolders.deleteTree(folder.path());
            total -= folder.bytes();
            deleted.add(folder.path());
        }
        return deleted;
    }

    private static Folder measure(Path folder) throws IOException {
        long[] bytes = {0};
        long[] newest = {Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).toMillis()};
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                newest[0] = Math.max(newest[0], attrs.lastModifiedTime().toMillis());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                bytes[0] += attrs.size();
                newest[0] = Math.max(newest[0], attrs.lastModifiedTime().toMillis());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return new Folder(folder, bytes[0], newest[0]);
    }
}
