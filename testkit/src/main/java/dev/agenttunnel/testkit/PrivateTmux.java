package dev.agenttunnel.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tmux servers of one private {@code TMUX_TMPDIR}: tmux keeps each server's socket in
 * {@code <TMUX_TMPDIR>/tmux-<uid>/<socket name>}, so a test world that gives tmux a folder of its own can find, and
 * stop, every server it started — also those a failed test left behind.
 */
public final class PrivateTmux {
    private static final long KILL_WAIT_S = 10;

    private PrivateTmux() {
    }

    /** The socket files of the servers under {@code tmuxDir} (none when the folder is missing). */
    public static List<Path> sockets(Path tmuxDir) {
        List<Path> sockets = new ArrayList<>();
        if (!Files.isDirectory(tmuxDir)) {
            return sockets;
        }
        try (Stream<Path> perUser = Files.list(tmuxDir)) {
            for (Path dir : perUser.filter(p -> p.getFileName().toString().startsWith("tmux-") && Files.isDirectory(p)).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(p -> !Files.isDirectory(p)).forEach(sockets::add);
                }
            }
        } catch (IOException e) {
            // a folder that vanished meanwhile holds no servers
        }
        return sockets;
    }

    /**
     * Stops every server under {@code tmuxDir} ({@code tmux -S <socket> kill-server}, with {@code env}'s PATH) and
     * waits for each client call. A socket whose server is already gone is fine; without tmux there is nothing to stop.
     */
    public static void killServers(Path tmuxDir, Map<String, String> env) {
        for (Path socket : sockets(tmuxDir)) {
            ProcessBuilder kill = new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            kill.environment().clear();
            kill.environment().putAll(env);
            kill.environment().remove("TMUX");
            try {
                Process process = kill.start();
                if (!process.waitFor(KILL_WAIT_S, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                return; // no tmux on PATH: no server can have been started with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
