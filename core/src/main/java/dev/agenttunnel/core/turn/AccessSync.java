package dev.agenttunnel.core.turn;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.store.ThreadRecord;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * The per-turn access re-read. A thread follows its <em>session</em>, not the handle name it was bound under: its
 * level and handle come from the registry record of the session it forked, whatever that record is called now (a
 * relabel by {@code >share NEWNAME} or {@code rename} moves the thread along). A revoked record still counts: it holds
 * the last level the owner set, so {@code >share --read} then {@code >share off} leaves open threads answering at
 * read, never at a stale higher level. Another session that later takes the name cannot change the thread.
 */
public final class AccessSync {
    private AccessSync() {
    }

    /** Where a thread stands now: the handle its session is published under and the level its next turn runs at. */
    public record Standing(String handle, AccessLevel level) {
    }

    /**
     * The session's live record if it has one (the newest, should there be several), else its newest revoked one;
     * the thread's own copy only when the registry holds no record of its session at all (e.g. {@code ask --session}).
     */
    public static Standing standing(ThreadRecord thread, Map<String, RegistryRecord> records) {
        Optional<Map.Entry<String, RegistryRecord>> latest = records.entrySet().stream()
                .filter(e -> e.getValue().sessionId().equals(thread.expertSessionId()))
                .max(Comparator.<Map.Entry<String, RegistryRecord>, Boolean>comparing(e -> e.getValue().live())
                        .thenComparingDouble(e -> e.getValue().createdAt()));
        return latest.map(e -> new Standing(e.getKey(), e.getValue().access()))
                .orElseGet(() -> new Standing(thread.handle(), thread.access()));
    }
}
