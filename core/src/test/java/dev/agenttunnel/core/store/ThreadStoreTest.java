package dev.agenttunnel.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadStoreTest {
    @TempDir
    Path dir;

    @Test
    void bindIsIdempotentAndForkIdsAreMergedNotReplaced() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_737_000_000_123L), ZoneOffset.UTC);
        ThreadStore store = new ThreadStore(dir.resolve("state.json"), clock);
        ThreadRecord bound = store.bind("cli:t", "payments", "expert", "/w", Backend.HEADLESS, "", AccessLevel.READ, "cli");
        ThreadRecord again = store.bind("cli:t", "other", "x", "/x", Backend.TMUX, "", AccessLevel.ALL, "bob");
        assertEquals(bound, again);

        store.recordFork("cli:t", "fork-1", "");
        ThreadRecord read = store.get("cli:t").orElseThrow();
        assertEquals("fork-1", read.forkSessionId());
        assertEquals(1_737_000_000.123, read.createdAt());
        assertTrue(store.knownForkIds().contains("fork-1"));
    }

    @Test
    void aForgottenThreadIsNotResurrectedByALateTurn() throws Exception {
        ThreadStore store = new ThreadStore(dir.resolve("state.json"));
        store.bind("th:1", "h", "e", "/w", Backend.HEADLESS, "", AccessLevel.READ, "a");
        store.remove("th:1");
        assertTrue(store.recordFork("th:1", "late-fork", "").isEmpty());
        assertTrue(store.get("th:1").isEmpty());
        assertTrue(store.knownForkIds().contains("late-fork"));
    }

    @Test
    void readsLegacyRecordsWithAWindowAsTmux() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"records": {"th:9": {"thread_key": "th:9", "handle": "h", "backend": "", "tmux_window": "h-0009",
                 "created_at": 1.5, "last_used": 2.5}}, "fork_ids": ["a"]}
                """);
        ThreadRecord r = new ThreadStore(file).get("th:9").orElseThrow();
        assertEquals(Backend.TMUX, r.effectiveBackend(Backend.HEADLESS));
    }

    @Test
    void anOversizedStateFileIsRefusedWithItsSizeAndTheCap() throws Exception {
        Path file = dir.resolve("state.json");
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(65L << 20); // sparse: costs no disk
        }
        ThreadStore store = new ThreadStore(file);

        java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.get("th:1"));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("(65 MiB)")
                && e.getMessage().contains("more than the 64 MiB"), e.getMessage());
        assertThrows(java.io.IOException.class, store::moveAsideIfCorrupt);
        assertEquals(65L << 20, Files.size(file), "left as it was");
    }
}
