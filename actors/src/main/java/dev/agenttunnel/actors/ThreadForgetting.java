package dev.agenttunnel.actors;

import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Forgets a thread (blocking; run on the I/O executor): drops its binding, releases what its backend holds for
 * it (a tmux window) and deletes its uploads and outbox. The fork's transcript stays.
 */
final class ThreadForgetting {
    private ThreadForgetting() {
    }

    static Optional<ThreadRecord> forget(BridgeDeps deps, String threadKey) throws IOException {
        Optional<ThreadRecord> removed = deps.store().remove(threadKey);
        if (removed.isPresent()) {
            ThreadRecord record = removed.get();
            deps.forks().forget(record.effectiveBackend(deps.settings().tunnel().backend()), threadKey);
            TurnFolders.delete(deps.settings().tunnel().stateDir(), Path.of(record.projectDir()), threadKey);
        }
        return removed;
    }
}
