package dev.agenttunnel.actors;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.turn.AccessSync;
import dev.agenttunnel.core.turn.TurnFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The blocking part of starting a turn (runs on the I/O executor): a fresh read of the binding, the check that
 * it is still the binding the question was asked under, the per-turn access re-read, the {@code all} gate, and
 * the thread's folders.
 */
final class TurnPreparer {
    /** How preparing a turn went. */
    sealed interface Preparation {
        record Ready(ThreadRecord record, ForkTurn turn) implements Preparation {
        }

        /** The turn must not run; {@code text} goes to the thread as is. */
        record Refused(String text) implements Preparation {
        }

        /** The thread is no longer bound (closed or forgotten, e.g. by {@code agent-tunnel forget}). */
        record Unbound() implements Preparation {
        }
    }

    private final BridgeDeps deps;

    TurnPreparer(BridgeDeps deps) {
        this.deps = deps;
    }

    Preparation prepare(String threadKey, ThreadRecord askedUnder) throws IOException {
        Optional<ThreadRecord> current = deps.store().get(threadKey);
        if (current.isEmpty()) {
            return new Preparation.Unbound();
        }
        if (!current.get().sameBinding(askedUnder)) {
            return new Preparation.Refused(dev.agenttunnel.core.chat.BridgeTexts.restarted());
        }
        ThreadRecord record = current.get();
        AccessLevel level = AccessSync.levelFor(record, deps.registry().get(record.handle()));
        if (level != record.access()) {
            record = deps.store().setAccess(threadKey, level).orElse(record.withAccess(level));
        }
        try {
            new ClaudeCommand(deps.settings().claude(), deps.settings().tunnel().platform()).checkAllowed(level);
        } catch (AccessRefusedException e) {
            return new Preparation.Refused(dev.agenttunnel.core.chat.BridgeTexts.failed(e.getMessage()));
        }
        Path project = Path.of(record.projectDir());
        ForkTurn turn = new ForkTurn(
                record.hasFork() ? record.forkSessionId() : record.expertSessionId(),
                !record.hasFork(),
                level,
                project,
                record.configDir(),
                List.of(TurnFolders.prepareUploads(deps.settings().tunnel().stateDir(), threadKey)),
                TurnFolders.prepareOutbox(project, threadKey, level));
        return new Preparation.Ready(record, turn);
    }
}
