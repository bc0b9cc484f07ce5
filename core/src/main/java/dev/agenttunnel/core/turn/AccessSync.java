package dev.agenttunnel.core.turn;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.store.ThreadRecord;
import java.util.Optional;

/**
 * The per-turn access re-read: a thread adopts its handle's current level only while the handle is live and
 * still points at the session the thread was bound to. A revoked handle keeps its bound level (revocation is
 * soft), and another session that later takes the name cannot change it.
 */
public final class AccessSync {
    private AccessSync() {
    }

    /** The level the next turn runs at. */
    public static AccessLevel levelFor(ThreadRecord thread, Optional<RegistryRecord> current) {
        return current
                .filter(RegistryRecord::live)
                .filter(r -> r.sessionId().equals(thread.expertSessionId()))
                .map(RegistryRecord::access)
                .orElse(thread.access());
    }
}
