package dev.agenttunnel.core.fork;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds the warm claudes of threads from any process of the user (the daemon, or {@code forget} and {@code status}
 * beside it): a warm fork's environment carries {@link #THREAD_VARIABLE} with its thread key, readable in
 * {@code /proc/<pid>/environ} by the same user. So a thread forgotten from the command line loses its running claude
 * at once, not at its next turn.
 */
public final class ForkProcesses {
    /** Set in a warm fork's environment to its thread key. */
    public static final String THREAD_VARIABLE = "AGENT_TUNNEL_THREAD";
    /** Set in the environment of every fork a daemon starts, to that daemon's state file. */
    public static final String DAEMON_VARIABLE = "AGENT_TUNNEL_DAEMON";

    private ForkProcesses() {
    }

    /** The processes started for {@code threadKey} (warm claudes), oldest first. */
    public static List<ProcessHandle> ofThread(String threadKey) {
        return all().filter(p -> threadOf(p).map(threadKey::equals).orElse(false)).toList();
    }

    /** Thread keys that have a warm claude running now. */
    public static Set<String> warmThreads() {
        Set<String> keys = new TreeSet<>();
        all().forEach(p -> threadOf(p).ifPresent(keys::add));
        return keys;
    }

    /**
     * Kills the forks a daemon on {@code statePath} started (with everything they started): at start-up they are left
     * over from a daemon that died (one daemon per state file), and would finish turns nobody sees. Returns how many.
     */
    public static int stopLeftovers(String statePath) {
        List<ProcessHandle> found = all().filter(p -> variable(p, DAEMON_VARIABLE).map(statePath::equals).orElse(false)).toList();
        for (ProcessHandle process : found) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        return found.size();
    }

    /** Kills the warm claudes of {@code threadKey} with everything they started; returns how many there were. */
    public static int stop(String threadKey) {
        List<ProcessHandle> found = ofThread(threadKey);
        for (ProcessHandle process : found) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        return found.size();
    }

    private static Stream<ProcessHandle> all() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self);
    }

    /** The thread key in a process's environment; empty for processes of others, or without it. */
    static Optional<String> threadOf(ProcessHandle process) {
        return variable(process, THREAD_VARIABLE);
    }

    private static Optional<String> variable(ProcessHandle process, String name) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "environ"));
            String prefix = name + "=";
            for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith(prefix)) {
                    return Optional.of(entry.substring(prefix.length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone, or not ours to read.
        }
        return Optional.empty();
    }
}
