package dev.agenttunnel.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a program attached to this terminal and waits for it, the way a shell runs a foreground job: Java cannot
 * {@code exec}, so this is the nearest we get to handing the terminal over.
 *
 * <p>While it runs, Ctrl-C and Ctrl-\ reach the whole foreground process group. The program decides what they
 * mean (claude interrupts its turn); we must not die of them, or the shell would take the terminal back from
 * under a still-running claude. So the JVM handles SIGINT and SIGQUIT by doing nothing. A handled signal, unlike
 * an ignored one, is reset to its default in the child, so the child still gets the usual behaviour.
 */
final class AttachedProcess {
    private static final List<String> FOREGROUND_SIGNALS = List.of("INT", "QUIT");

    private AttachedProcess() {
    }

    /** Starts {@code argv} in {@code dir} with exactly {@code env}, on this process's stdin/stdout/stderr; returns its exit code. */
    static int run(List<String> argv, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(env);
        Map<String, SignalHandler> previous = new java.util.HashMap<>();
        try {
            FOREGROUND_SIGNALS.forEach(name -> swallow(name, previous));
            Process process = builder.start();
            return process.waitFor();
        } finally {
            previous.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
        }
    }

    private static void swallow(String name, Map<String, SignalHandler> previous) {
        try {
            previous.put(name, Signal.handle(new Signal(name), signal -> { }));
        } catch (IllegalArgumentException e) {
            // The JVM does not let us handle it (e.g. started with -Xrs): then the signal keeps its default meaning.
        }
    }
}
