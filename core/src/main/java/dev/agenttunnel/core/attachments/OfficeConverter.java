package dev.agenttunnel.core.attachments;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.AttachmentSettings;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes Office files readable for a fork, best-effort: claude's Read opens PDF, images and text, not {@code .docx}.
 * In order: the owner's {@code convert_command} alone (no fallback); else LibreOffice to PDF (headless, in a private
 * profile folder, so it never touches the owner's own LibreOffice profile or waits on a running instance); else
 * pandoc to Markdown (the formats it reads); else macOS textutil to text. Each converter gets {@value #TIMEOUT_S} s;
 * a non-zero exit or a missing output is no result.
 */
public final class OfficeConverter {
    /** Extensions that are always converted (a fork cannot read them as they are). */
    public static final Set<String> CONVERTIBLE = Set.of(".docx", ".doc", ".pptx", ".ppt", ".xlsx", ".xls", ".odt", ".ods",
            ".odp", ".rtf");
    private static final Set<String> PANDOC = Set.of(".docx", ".odt", ".rtf");
    private static final Set<String> TEXTUTIL = Set.of(".docx", ".doc", ".odt", ".rtf");
    private static final long TIMEOUT_S = 120;

    /** A converted file and the converter that made it ({@code libreoffice→pdf}, {@code pandoc→md}, …). */
    public record Converted(Path file, String label) {
    }

    private final AttachmentSettings settings;
    private final Environment env;
    private final Duration timeout;

    public OfficeConverter(AttachmentSettings settings, Environment env) {
        this(settings, env, Duration.ofSeconds(TIMEOUT_S));
    }

    OfficeConverter(AttachmentSettings settings, Environment env, Duration timeout) {
        this.settings = settings;
        this.env = env;
        this.timeout = timeout;
    }

    /** Whether {@code fileName} is an Office file that goes through conversion. */
    public static boolean convertible(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot >= 0 && CONVERTIBLE.contains(fileName.substring(dot).toLowerCase(Locale.ROOT));
    }

    public boolean enabled() {
        return !settings.convert().equals("off");
    }

    /** Why a file could not be made readable, in words for the colleague. */
    public String whyNot() {
        return enabled() ? "no converter is available" : "Office conversion is turned off";
    }

    /** What {@code doctor} shows: {@code off (config)}, the converter that would run, or that there is none. */
    public String describe() {
        if (!enabled()) {
            return "off (config)";
        }
        if (!settings.convertCommand().isBlank()) {
            return "custom (" + settings.convertCommand() + ")";
        }
        return libreOffice().map(p -> "LibreOffice → PDF (" + p + ")")
                .or(() -> Executables.find("pandoc", env).map(p -> "pandoc → Markdown (" + p + "; .docx, .odt, .rtf only)"))
                .or(() -> Executables.find("textutil", env).map(p -> "textutil → text (macOS)"))
                .orElse("none — colleagues should attach PDFs (apt-get install libreoffice-writer-nogui, or pandoc)");
    }

    /**
     * Converts {@code source} into {@code outDir} (created), or empty when conversion is off, no converter fits, or
     * the converter failed. Blocking: at most the timeout per converter tried.
     */
    public Optional<Converted> convert(Path source, Path outDir) throws InterruptedException {
        if (!enabled() || !convertible(source.getFileName().toString())) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(outDir);
            if (!settings.convertCommand().isBlank()) {
                return custom(source, outDir);
            }
            String extension = extension(source);
            String stem = stem(source);
            Optional<Path> soffice = libreOffice();
            if (soffice.isPresent()) {
                return libreOfficeToPdf(soffice.get(), source, outDir, stem);
            }
            Optional<Path> pandoc = Executables.find("pandoc", env);
            if (pandoc.isPresent() && PANDOC.contains(extension)) {
                Path out = outDir.resolve(stem + ".md");
                return run(List.of(pandoc.get().toString(), source.toAbsolutePath().toString(), "-t", "gfm", "--extract-media",
                        outDir.resolve("media").toString(), "-o", out.toString()), outDir)
                        ? produced(out, "pandoc→md") : Optional.empty();
            }
            Optional<Path> textutil = Executables.find("textutil", env);
            if (textutil.isPresent() && TEXTUTIL.contains(extension)) {
                Path out = outDir.resolve(stem + ".txt");
                return run(List.of(textutil.get().toString(), "-convert", "txt", "-output", out.toString(),
                        source.toAbsolutePath().toString()), outDir) ? produced(out, "textutil→txt") : Optional.empty();
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Optional<Path> libreOffice() {
        return Executables.find("soffice", env).or(() -> Executables.find("libreoffice", env));
    }

    private Optional<Converted> libreOfficeToPdf(Path soffice, Path source, Path outDir, String stem)
            throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("agent-tunnel-lo-profile");
        try {
            boolean ok = run(List.of(soffice.toString(), "--headless", "--norestore", "--nolockcheck",
                    "-env:UserInstallation=" + profile.toUri(), "--convert-to", "pdf", "--outdir", outDir.toString(),
                    source.toAbsolutePath().toString()), outDir);
            return ok ? produced(outDir.resolve(stem + ".pdf"), "libreoffice→pdf") : Optional.empty();
        } finally {
            TurnFolders.deleteTree(profile);
        }
    }

    /** The owner's template: {@code {input}} and {@code {outdir}} become quoted paths; the first new or changed file is the result. */
    private Optional<Converted> custom(Path source, Path outDir) throws IOException, InterruptedException {
        Map<Path, FileTime> before = listing(outDir);
        String command = settings.convertCommand()
                .replace("{input}", shellQuote(source.toAbsolutePath().toString()))
                .replace("{outdir}", shellQuote(outDir.toAbsolutePath().toString()));
        if (!run(List.of("/bin/sh", "-c", command), outDir)) {
            return Optional.empty();
        }
        return listing(outDir).entrySet().stream()
                .filter(e -> !e.getValue().equals(before.get(e.getKey())))
                .map(Map.Entry::getKey).sorted().findFirst()
                .map(p -> new Converted(p, "custom"));
    }

    private static Map<Path, FileTime> listing(Path dir) throws IOException {
        Map<Path, FileTime> files = new HashMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    private static Optional<Converted> produced(Path out, String label) {
        return Files.isRegularFile(out) ? Optional.of(new Converted(out, label)) : Optional.empty();
    }

    /** Runs a converter with our environment, no input, its output discarded; true on exit 0 within the timeout. */
    private boolean run(List<String> command, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env.variables());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            return false;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly); // e.g. a LibreOffice helper left behind
        return process.exitValue() == 0;
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }
}
