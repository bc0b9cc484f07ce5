package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a fork's events reach this JVM without polling and without starting a JVM per event: a named pipe (FIFO) in a
 * private runtime dir, read by one thread.
 *
 * <p>claude runs {@link #hookScript()} for the hooks given to a fork with {@code --settings} (SessionStart,
 * UserPromptSubmit, Stop, StopFailure). The script stores the hook's stdin JSON under {@code spool/} and writes one
 * short line {@code <token> <event> <file>} to the FIFO: far below {@code PIPE_BUF}, so lines of concurrent forks
 * never interleave, however large an answer is. A fork window's tmux {@code pane-died} hook ({@link #exitNotice})
 * writes {@code <token> exit <code>} when claude ends. The token says which launch an event belongs to.
 *
 * <p>The FIFO is opened for reading and writing, so opening it never blocks, the reader never sees end-of-file between
 * events, and a hook never blocks while this inbox is open. The dir is private to the user ({@code 0700}); it is
 * deleted by {@link #close()}.
 */
public final class HookInbox implements AutoCloseable {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]+");
    private static final String STOP_LINE = "agent-tunnel-inbox-closing";
    /** Paths that go into sh single quotes and tmux double quotes unharmed. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._+@,=: -]+");

    /**
     * One event: the launch's {@code token}, the hook's {@code name} (or {@code exit}), the hook's JSON (a missing node
     * for {@code exit}), and the exit notice's argument (claude's exit status; empty when a signal ended it).
     */
    public record Event(String token, String name, JsonNode payload, String argument) {
        /** A text field of the payload, or {@code ""}. */
        public String field(String name) {
            JsonNode value = payload.path(name);
            return value.isTextual() ? value.textValue() : "";
        }
    }

    private final Path dir;
    private final Path fifo;
    private final Path spool;
    private final Path script;
    private final FileChannel channel;
    private final Consumer<Event> sink;
    private volatile boolean closing;

    private HookInbox(Path dir, FileChannel channel, Consumer<Event> sink) {
        this.dir = dir;
        this.fifo = dir.resolve("events");
        this.spool = dir.resolve("spool");
        this.script = dir.resolve("hook");
        this.channel = channel;
        this.sink = sink;
    }

    /**
     * Creates {@code dir} (which must not exist yet, or be empty) with the FIFO, the spool and the hook script, and
     * starts delivering events to {@code sink} on a thread of its own. {@code sink} must return quickly.
     */
    public static HookInbox open(Path dir, Consumer<Event> sink) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(absolute.toString()).matches()) {
            throw new IOException("The tmux backend's runtime dir " + absolute + " has characters that tmux or sh would "
                    + "read as syntax; use a state_path made of letters, digits, spaces and / . _ - + @ , = :");
        }
        Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(absolute.resolve("spool"));
        Path fifo = absolute.resolve("events");
        Files.deleteIfExists(fifo);
        mkfifo(fifo);
        writeScript(absolute.resolve("hook"), hookScript(absolute));
        FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        HookInbox inbox = new HookInbox(absolute, channel, sink);
        Thread.ofPlatform().daemon().name("hook-inbox").start(inbox::read);
        return inbox;
    }

    public Path dir() {
        return dir;
    }

    public Path fifo() {
        return fifo;
    }

    public Path hookScript() {
        return script;
    }

    /**
     * Checks, before a fork is launched, that the hook script is still ours: a regular file (not a link), private to
     * us, holding exactly what we wrote. Anything else is replaced (the fence keeps forks out of this dir; this keeps
     * whatever else got in from running inside another colleague's fork). Returns whether it had to be replaced.
     */
    public boolean verifyHookScript() throws IOException {
        String expected = hookScript(dir);
        boolean intact;
        try {
            intact = Files.isRegularFile(script, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && Files.getPosixFilePermissions(script, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            .equals(PosixFilePermissions.fromString("rwx------"))
                    && Files.readString(script, StandardCharsets.UTF_8).equals(expected);
        } catch (IOException e) {
            intact = false;
        }
        if (!intact) {
            writeScript(script, expected);
        }
        return !intact;
    }

    /** Writes the script afresh: whatever stood there (a link included) is removed, never written through. */
    private static void writeScript(Path script, String text) throws IOException {
        Files.deleteIfExists(script);
        try (var out = Files.newByteChannel(script, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))) {
            out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** The command line claude runs for {@code event} of the launch {@code token}: no shell quoting surprises. */
    public String hookCommand(String token, String event) {
        requireWord(token);
        requireWord(event);
        return "'" + script + "' " + token + " " + event;
    }

    /**
     * The tmux command for a fork window's {@code pane-died} hook: it writes {@code <token> exit <status>} to the FIFO
     * when claude ends (in the background, so a FIFO nobody reads can never stall the tmux server).
     */
    public String exitNotice(String token) {
        requireWord(token);
        return "run-shell -b \"[ -p '" + fifo + "' ] && echo " + token + " exit #{pane_dead_status} > '" + fifo + "'\"";
    }

    /** Stops reading and deletes the runtime dir. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        // A writer of its own: the reading channel's lock is held by the blocked read. Opening for writing does not
        // block, because our reading end is open.
        try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
            writer.write(ByteBuffer.wrap((STOP_LINE + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // The reader is gone already.
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            // Best effort; the dir goes below.
        }
        deleteTree(dir);
    }

    static void requireWord(String s) {
        if (!WORD.matcher(s).matches()) {
            throw new IllegalArgumentException("tokens and event names are letters and digits only: " + s);
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            String line;
            while (!closing && (line = lines.readLine()) != null) {
                if (line.equals(STOP_LINE)) {
                    break;
                }
                parse(line).ifPresent(this::deliver);
            }
        } catch (IOException e) {
            // Closed underneath: nothing more will arrive.
        }
    }

    private void deliver(Event event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            // One bad event must not stop the inbox for every other fork.
            System.getLogger(HookInbox.class.getName()).log(System.Logger.Level.WARNING, "hook event handling failed", e);
        }
    }

    /** {@code <token> <event> <file or argument>}; the hook's JSON is read from the spool file and the file deleted. */
    Optional<Event> parse(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 3 || !WORD.matcher(parts[0]).matches() || !WORD.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        if (parts[1].equals("exit")) {
            return Optional.of(new Event(parts[0], "exit", JsonTrees.nodes().missingNode(), parts[2].strip()));
        }
        Path file = Path.of(parts[2]).toAbsolutePath().normalize();
        if (!file.startsWith(spool)) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JsonTrees.parse(Files.readAllBytes(file));
            return Optional.of(new Event(parts[0], parts[1], payload, ""));
        } catch (IOException e) {
            return Optional.of(new Event(parts[0], parts[1], JsonTrees.nodes().missingNode(), ""));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left for close() to remove with the dir.
            }
        }
    }

    private static String hookScript(Path dir) {
        return """
                #!/bin/sh
                # agent-tunnel: hands one claude hook event to the daemon that launched this fork, without a JVM.
                # The event's JSON (stdin) goes to a spool file; one short line naming it goes to the daemon's FIFO.
                dir='%s'
                file="$dir/spool/$1.$2.$$.json"
                cat > "$file" || exit 0
                if [ -p "$dir/events" ]; then
                  printf '%%s %%s %%s\\n' "$1" "$2" "$file" > "$dir/events"
                fi
                exit 0
                """.formatted(dir);
    }

    private static void mkfifo(Path fifo) throws IOException {
        Process process = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
        try {
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                throw new IOException("mkfifo " + fifo + " failed: " + said);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + fifo, e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Best effort.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }
}
