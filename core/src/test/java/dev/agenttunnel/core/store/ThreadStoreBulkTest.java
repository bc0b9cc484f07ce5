package dev.agenttunnel.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store operations behind {@code rename} and {@code forget}: several records in one locked change. */
class ThreadStoreBulkTest {
    @TempDir
    Path dir;

    ThreadStore seeded() throws Exception {
        ThreadStore store = new ThreadStore(dir.resolve("state.json"));
        store.bind("th:1", "payments", "e1", "/w", Backend.HEADLESS, "", AccessLevel.READ, "ann");
        store.bind("th:2", "payments", "e1", "/w", Backend.TMUX, "", AccessLevel.WRITE, "bob");
        store.bind("cli:x", "ops", "e2", "/o", Backend.HEADLESS, "", AccessLevel.READ, "cli");
        store.recordFork("th:1", "fork-1", "");
        store.recordFork("cli:x", "fork-x", "");
        return store;
    }

    @Test
    void renameHandleMovesEveryBindingOfTheHandleAndNothingElse() throws Exception {
        ThreadStore store = seeded();
        ThreadRecord before = store.get("th:1").orElseThrow();

        assertEquals(2, store.renameHandle("payments", "billing"));

        assertEquals("billing", store.get("th:1").orElseThrow().handle());
        assertEquals("billing", store.get("th:2").orElseThrow().handle());
        assertEquals("ops", store.get("cli:x").orElseThrow().handle());
        ThreadRecord after = store.get("th:1").orElseThrow();
        assertTrue(after.sameBinding(before), "the binding identity survives, so a queued turn still runs");
        assertEquals(before.lastUsed(), after.lastUsed());
        assertEquals(before.forkSessionId(), after.forkSessionId());
        assertEquals(0, store.renameHandle("payments", "billing"), "nothing left under the old handle");
    }

    @Test
    void renameHandleKeepsFieldsItDoesNotKnow() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"records": {"th:9": {"thread_key": "th:9", "handle": "a", "created_at": 1737000000.123456,
                 "last_used": 1737000001.5, "future": [1, 2]}}, "fork_ids": []}
                """);
        assertEquals(1, new ThreadStore(file).renameHandle("a", "b"));
        String json = Files.readString(file);
        assertTrue(json.contains("\"future\": [") && json.contains("1737000000.123456") && json.contains("\"handle\": \"b\""), json);
    }

    @Test
    void removeByHandleReturnsWhatItRemovedAndKeepsForkIds() throws Exception {
        ThreadStore store = seeded();

        List<ThreadRecord> removed = store.removeByHandle("payments");

        assertEquals(Set.of("th:1", "th:2"), Set.copyOf(removed.stream().map(ThreadRecord::threadKey).toList()));
        assertEquals(Set.of("cli:x"), store.all().keySet());
        assertTrue(store.knownForkIds().contains("fork-1"), "a forgotten thread's fork stays known");
        assertTrue(store.removeByHandle("payments").isEmpty());
    }

    @Test
    void removeAllEmptiesTheStoreButRemembersItsForks() throws Exception {
        ThreadStore store = seeded();

        assertEquals(3, store.removeAll().size());

        assertTrue(store.all().isEmpty());
        assertEquals(Set.of("fork-1", "fork-x"), store.knownForkIds());
        assertTrue(store.removeAll().isEmpty());
    }
}
