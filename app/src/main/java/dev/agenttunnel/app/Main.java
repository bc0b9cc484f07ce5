package dev.agenttunnel.app;

import dev.agenttunnel.core.Environment;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code agent-tunnel}: the process entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        // A terminal on stdin and stdout means a person to ask (since JDK 22 a Console also exists when redirected).
        java.io.Console console = System.console();
        java.util.Optional<java.io.BufferedReader> terminal = console == null || !console.isTerminal() ? java.util.Optional.empty()
                : java.util.Optional.of(new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)));
        boolean outIsTerminal = dev.agenttunnel.core.files.FileDescriptors.isTerminal(dev.agenttunnel.core.files.FileDescriptors.STDOUT);
        System.exit(Cli.run(new CliContext(Environment.current(), out, err, terminal, outIsTerminal), args));
    }
}
