package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LaunchScriptTest {
    @TempDir
    Path dir;

    @Test
    void execsTheCommandWithExactlyTheGivenEnvironmentAndDeletesItself() throws Exception {
        Map<String, String> env = Map.of(
                "PATH", "/usr/bin:/bin",
                "HOME", "/home/it's me",
                "MULTI", "line one\nline 'two'\n$(not run) `nor this`",
                "not-a-name", "skipped");
        Path out = dir.resolve("env.txt");
        // "$$" is the pid the script started with: unchanged, because the command replaces the shell
        List<String> argv = List.of("/bin/sh", "-c", "env > \"$1\"; echo $$ > \"$1.pid\"; exit 3", "sh", out.toString());

        List<String> command = LaunchScript.write(dir, "abc123", env, argv, "tmux-256color");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(3, process.exitValue(), "the command's own exit status");
        assertEquals(String.valueOf(process.pid()), Files.readString(Path.of(out + ".pid")).strip(),
                "exec'd: the command is the process tmux started, so it gets the window's SIGHUP itself");
        assertFalse(Files.exists(dir.resolve("launch-abc123.sh")), "the script deleted itself");
        Map<String, String> seen = parseEnv(Files.readString(out));
        seen.remove("PWD");
        seen.remove("SHLVL");
        seen.remove("_");
        Map<String, String> expected = new HashMap<>(env);
        expected.remove("not-a-name");
        expected.put("TERM", "tmux-256color");
        assertEquals(expected, seen);
    }

    /** {@code env} output; a line that does not start a variable continues the previous value. */
    private static Map<String, String> parseEnv(String text) {
        Map<String, String> vars = new HashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z_][A-Z0-9_]*")) {
                last = line.substring(0, eq);
                vars.put(last, line.substring(eq + 1));
            } else if (last != null) {
                vars.put(last, vars.get(last) + "\n" + line);
            }
        }
        return vars;
    }
}
