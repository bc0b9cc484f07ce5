package dev.agenttunnel.core.attachments;

import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.text.SafeKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Takes in what a colleague attached to one message (blocking; run off the actors' dispatcher): each file is
 * streamed into a fresh turn folder {@code <thread uploads>/<8 hex>/} under a {@link SafeNames safe name}, its size
 * checked against {@code max_attachment_mb} before the download (the platform's figure) and while it runs (the bytes
 * really sent); at most {@code max_attachments} files per message; Office files converted ({@link OfficeConverter}).
 * Nothing is ever written outside the turn folder, whatever a file is called.
 */
public final class Inbox {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SHOWN_NAME = 80;

    /** Opens the bytes of one attachment (the chat front-end's download). */
    @FunctionalInterface
    public interface Downloads {
        InputStream open(ChatAttachment attachment) throws IOException;
    }

    /**
     * What came of a message's files.
     *
     * @param attached   how many files the message had
     * @param handed     the files the fork is told to read (converted ones in place of their originals)
     * @param skipped    files not taken, each with why ({@code big.zip (30.0 MB, over 24.0 MB)})
     * @param unreadable Office files no converter could open
     * @param whyNot     why those could not be opened ("no converter is available", …)
     * @param log        what the owner's log should say (conversions, download failures with their cause)
     */
    public record Intake(int attached, List<Path> handed, List<String> skipped, List<String> unreadable, String whyNot,
            List<String> log) {
        public Intake {
            handed = List.copyOf(handed);
            skipped = List.copyOf(skipped);
            unreadable = List.copyOf(unreadable);
            log = List.copyOf(log);
        }

        public static Intake none() {
            return new Intake(0, List.of(), List.of(), List.of(), "", List.of());
        }
    }

    private final int maxFiles;
    private final long maxBytes;
    private final OfficeConverter converter;

    public Inbox(int maxFiles, long maxBytes, OfficeConverter converter) {
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
        this.converter = converter;
    }

    /** Downloads {@code files} into a new turn folder under {@code threadUploads} (created if need be). */
    public Intake take(List<ChatAttachment> files, Path threadUploads, Downloads downloads) throws IOException, InterruptedException {
        if (files.isEmpty()) {
            return Intake.none();
        }
        Path turnDir = newTurnDir(threadUploads);
        List<Path> handed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> log = new ArrayList<>();
        Set<String> taken = new HashSet<>(Set.of("converted"));
        for (int i = 0; i < files.size(); i++) {
            ChatAttachment file = files.get(i);
            String shown = shown(file.fileName());
            if (i >= maxFiles) {
                skipped.add(shown + " (over " + maxFiles + " files per message)");
                continue;
            }
            if (file.sizeBytes() > maxBytes) {
                skipped.add(shown + " (" + mb(file.sizeBytes()) + ", over " + mb(maxBytes) + ")");
                continue;
            }
            String name = SafeNames.unique(SafeNames.of(file.fileName()), taken);
            taken.add(name);
            Path saved = turnDir.resolve(name);
            Optional<String> problem = download(file, saved, downloads, log);
            if (problem.isPresent()) {
                skipped.add(shown + " (" + problem.get() + ")");
                continue;
            }
            if (OfficeConverter.convertible(name)) {
                Optional<OfficeConverter.Converted> converted = converter.convert(saved,
                        turnDir.resolve("converted").resolve(SafeKeys.of(name)));
                if (converted.isPresent()) {
                    log.add("Converted " + name + " (" + converted.get().label() + ")");
                    handed.add(converted.get().file());
                } else {
                    unreadable.add(shown);
                    log.add("Could not convert " + name + " (" + converter.whyNot() + ")");
                }
                continue;
            }
            handed.add(saved);
        }
        return new Intake(files.size(), handed, skipped, unreadable, unreadable.isEmpty() ? "" : converter.whyNot(), log);
    }

    /** Streams one file into {@code target} (a new file, never through a link); a problem in words, or empty. */
    private Optional<String> download(ChatAttachment file, Path target, Downloads downloads, List<String> log) {
        long written = 0;
        try (InputStream in = downloads.open(file);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                written += n;
                if (written > maxBytes) {
                    out.close();
                    Files.deleteIfExists(target);
                    return Optional.of("over " + mb(maxBytes));
                }
                out.write(buffer, 0, n);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.add("Download failed: " + shown(file.fileName()) + " — " + e);
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // a partial file in the turn folder is harmless: the fork is not told about it
            }
            return Optional.of("download failed");
        }
    }

    private static Path newTurnDir(Path threadUploads) throws IOException {
        Files.createDirectories(threadUploads);
        while (true) {
            byte[] id = new byte[4];
            RANDOM.nextBytes(id);
            try {
                return Files.createDirectory(threadUploads.resolve(HexFormat.of().formatHex(id)));
            } catch (FileAlreadyExistsException e) {
                // another turn has this id: draw again
            }
        }
    }

    /** A colleague's file name as a note may show it: one line, no control characters, cut. */
    static String shown(String raw) {
        StringBuilder clean = new StringBuilder();
        (raw == null ? "" : raw).codePoints().forEach(cp -> clean.appendCodePoint(Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT ? ' ' : cp));
        String name = clean.toString().strip().replace("`", "'");
        if (name.codePointCount(0, name.length()) > SHOWN_NAME) {
            name = name.substring(0, name.offsetByCodePoints(0, SHOWN_NAME)) + "…";
        }
        return name.isEmpty() ? "(unnamed)" : name;
    }

    /** Bytes as MiB, one decimal ({@code 12.3 MB}). */
    public static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }
}
