package dev.agenttunnel.tmux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one-shot {@code sh} script a fork window runs: it sets exactly the environment computed for the fork (the window
 * is started under {@code env -i}, so nothing of the tmux server's own environment leaks in, and no variable value
 * ever appears on a command line), deletes itself, and {@code exec}s claude.
 *
 * <p>claude must be the pane's own process: only the session leader gets SIGHUP when tmux closes the window, so a
 * claude started under a waiting shell lingers for seconds after its window was killed (observed with 2.1.328: about
 * 60 ms when it leads, 2 to 8 s under a shell). Its exit is reported by the window's {@code pane-died} hook instead.
 */
final class LaunchScript {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private LaunchScript() {
    }

    /**
     * Writes {@code <dir>/launch-<token>.sh} (owner-only) and returns the argv tmux should run for it: {@code env -i
     * TERM=<term> /bin/sh <script>}.
     */
    static List<String> write(Path dir, String token, Map<String, String> env, List<String> argv, String term) throws IOException {
        HookInbox.requireWord(token);
        Path script = dir.resolve("launch-" + token + ".sh");
        Files.deleteIfExists(script);
        // Created afresh and written through the same descriptor: never through a link someone put in its place.
        try (var out = Files.newByteChannel(script, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            out.write(java.nio.ByteBuffer.wrap(text(script, env, argv).getBytes(StandardCharsets.UTF_8)));
        }
        return List.of("/usr/bin/env", "-i", "TERM=" + term, "/bin/sh", script.toString());
    }

    static String text(Path script, Map<String, String> env, List<String> argv) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n");
        s.append("# agent-tunnel: starts one interactive fork; it deletes itself once started.\n");
        new TreeMap<>(env).forEach((name, value) -> {
            if (NAME.matcher(name).matches()) {
                s.append("export ").append(name).append('=').append(quote(value)).append('\n');
            }
        });
        s.append("rm -f -- ").append(quote(script.toString())).append('\n');
        s.append("exec ").append(String.join(" ", argv.stream().map(LaunchScript::quote).toList())).append('\n');
        return s.toString();
    }

    /** POSIX single-quoting: safe for any text, newlines included. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
