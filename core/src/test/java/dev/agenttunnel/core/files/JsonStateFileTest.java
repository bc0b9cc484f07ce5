package dev.agenttunnel.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonStateFileTest {
    @TempDir
    Path dir;

    @Test
    void concurrentChangesAllLandEachWithItsOwnResultInFewerWritesThanChanges() throws Exception {
        AtomicInteger locks = new AtomicInteger();
        JsonStateFile file = new JsonStateFile(dir.resolve("state.json"), 1L << 20, lockFile -> {
            locks.incrementAndGet();
            return FileLock.acquire(lockFile);
        });
        int changes = 200;
        List<Future<Integer>> results = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < changes; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return file.update(root -> {
                        root.put("k" + n, n);
                        return n * 2;
                    });
                }));
            }
            start.countDown();
            for (int i = 0; i < changes; i++) {
                assertEquals(i * 2, results.get(i).get());
            }
        }
        ObjectNode root = file.read();
        assertEquals(changes, root.size());
        for (int i = 0; i < changes; i++) {
            assertEquals(i, root.path("k" + i).asInt(-1));
        }
        assertTrue(locks.get() < changes, "batched: " + locks.get() + " lock-write rounds for " + changes + " changes");
    }

    @Test
    void aFailingChangeFailsAloneAndLeavesNothingBehind() throws Exception {
        JsonStateFile file = new JsonStateFile(dir.resolve("state.json"), 1L << 20);
        file.update(root -> root.put("kept", 1));
        IOException refused = assertThrows(IOException.class, () -> file.update(root -> {
            root.put("half", 1);
            throw new IOException("refused");
        }));
        assertEquals("refused", refused.getMessage());
        assertThrows(IllegalStateException.class, () -> file.update(root -> {
            throw new IllegalStateException("bug");
        }));
        file.update(root -> root.put("after", 2));
        assertEquals("{\n  \"kept\" : 1,\n  \"after\" : 2\n}\n".replace(" : ", ": "), Files.readString(file.path()));
    }

    @Test
    void aCorruptFileFailsTheChangeAndStaysAsItWas() throws Exception {
        Path path = dir.resolve("state.json");
        Files.writeString(path, "{oops");
        JsonStateFile file = new JsonStateFile(path, 1L << 20);
        assertThrows(CorruptFileException.class, () -> file.update(root -> root.put("x", 1)));
        assertEquals("{oops", Files.readString(path));
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoInThePlaceOfTheFileIsRefusedInsteadOfBlockingTheReader() throws Exception {
        Path path = dir.resolve("registry.json");
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        JsonStateFile file = new JsonStateFile(path, 1024);
        IOException e = assertThrows(IOException.class, file::read);
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertThrows(IOException.class, () -> file.update(root -> root.put("x", 1)));
    }

    @Test
    void aFileAtItsCapIsReadAndOneByteMoreIsRefusedUnread() throws Exception {
        Path path = dir.resolve("state.json");
        String json = "{\"k\": 1}";
        Files.writeString(path, json + " ".repeat(1024 - json.length()));
        JsonStateFile file = new JsonStateFile(path, 1024);
        assertEquals(1, file.read().path("k").asInt());

        Files.writeString(path, json + " ".repeat(1025 - json.length()));
        OversizedFileException e = assertThrows(OversizedFileException.class, file::read);
        assertEquals(1025, e.size());
        assertEquals(1024, e.cap());
        assertTrue(e.getMessage().startsWith(path + " is 1025 bytes (1.0 KiB), more than the 1 KiB"), e.getMessage());
        assertThrows(OversizedFileException.class, () -> file.update(root -> root.put("x", 1)));
        assertThrows(OversizedFileException.class, file::moveAsideIfCorrupt);
        assertEquals(1025, Files.size(path), "left as it was");
    }
}
