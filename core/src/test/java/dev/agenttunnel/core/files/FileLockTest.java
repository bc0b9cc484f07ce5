package dev.agenttunnel.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our lock must exclude the Python hook, which takes flock(2) on the same lock file. */
class FileLockTest {
    @TempDir
    Path dir;

    @Test
    void waitsForAPythonFlockHolderAndThenSeesItsWrite() throws Exception {
        Path state = dir.resolve("registry.json");
        Files.writeString(state, "{\"records\": {}}\n");
        Path lock = dir.resolve("registry.json.lock");
        String python = """
                import fcntl, json, sys
                fd = open(sys.argv[1], "w")
                fcntl.flock(fd, fcntl.LOCK_EX)
                print("locked", flush=True)
                sys.stdin.readline()
                with open(sys.argv[2]) as f:
                    data = json.load(f)
                data["records"]["from-python"] = {"handle": "from-python", "session_id": "py"}
                with open(sys.argv[2], "w") as f:
                    json.dump(data, f)
                fcntl.flock(fd, fcntl.LOCK_UN)
                """;
        Process holder = new ProcessBuilder("python3", "-c", python, lock.toString(), state.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());

        JsonStateFile file = new JsonStateFile(state, 1L << 20);
        CompletableFuture<Void> ours = CompletableFuture.runAsync(() -> {
            try {
                file.update(root -> {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("records")).putObject("from-java").put("session_id", "j");
                    return null;
                });
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitBlockedFlockWaiter(Duration.ofSeconds(20));
        holder.getOutputStream().write('\n');
        holder.getOutputStream().flush();
        ours.get();
        assertEquals(0, holder.waitFor());

        var records = file.read().get("records");
        assertTrue(records.has("from-python") && records.has("from-java"), records.toString());
    }

    /** Waits until the kernel lists a process blocked on a flock (a "->" line in /proc/locks). */
    private static void awaitBlockedFlockWaiter(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                if (line.contains("->") && line.contains("FLOCK")) {
                    return;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        throw new AssertionError("our update never waited on the Python process's flock");
    }
}
