package dev.agenttunnel.core.turn;

import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import dev.agenttunnel.core.config.LimitsSettings;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The start of every turn, for the daemon and for {@code ask} alike (blocking file I/O): a fresh read of the binding,
 * the check that it is still the binding the question was asked under, where the thread's session stands now in the
 * registry ({@link AccessSync}), the {@code all} gate, and the thread's folders.
 */
public final class TurnPreparer {
    /** How preparing a turn went. */
    public sealed interface Preparation {
        /** The turn may run as {@code turn}; {@code record} is the binding as it stands now. */
        record Ready(ThreadRecord record, ForkTurn turn) implements Preparation {
        }

        /** The turn must not run; {@code reason} says why, in words for the person asking. */
        record Refused(String reason) implements Preparation {
        }

        /** The thread was bound anew since the question was asked (e.g. a DM switched handle). */
        record Rebound() implements Preparation {
        }

        /** The thread is no longer bound (closed or forgotten, e.g. by {@code agent-tunnel forget}). */
        record Unbound() implements Preparation {
        }
    }

    private final ThreadStore store;
    private final Registry registry;
    private final ClaudeCommand command;
    private final Path stateDir;
    private final LimitsSettings limits;
    private final Clock clock;

    public TurnPreparer(ThreadStore store, Registry registry, ClaudeCommand command, Path stateDir, LimitsSettings limits, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.command = command;
        this.stateDir = stateDir;
        this.limits = limits;
        this.clock = clock;
    }

    /** Prepares the next turn of {@code threadKey}; {@code askedUnder}, when given, is the binding the question met. */
    public Preparation prepare(String threadKey, Optional<ThreadRecord> askedUnder) throws IOException {
        Optional<ThreadRecord> current = store.get(threadKey);
        if (current.isEmpty()) {
            return new Preparation.Unbound();
        }
        if (askedUnder.isPresent() && !current.get().sameBinding(askedUnder.get())) {
            return new Preparation.Rebound();
        }
        ThreadRecord record = current.get();
        AccessSync.Standing now = AccessSync.standing(record, registry.all());
        if (now.level() != record.access() || !now.handle().equals(record.handle())) {
            record = store.follow(threadKey, now.handle(), now.level()).orElse(record.withHandle(now.handle()).withAccess(now.level()));
        }
        try {
            command.checkAllowed(record.access());
        } catch (AccessRefusedException e) {
            return new Preparation.Refused(e.getMessage());
        }
        Optional<String> overBudget = overBudget(threadKey, record.handle());
        if (overBudget.isPresent()) {
            return new Preparation.Refused(overBudget.get());
        }
        Path project = Path.of(record.projectDir());
        ForkTurn turn = new ForkTurn(
                record.hasFork() ? record.forkSessionId() : record.expertSessionId(),
                !record.hasFork(),
                record.access(),
                project,
                record.configDir(),
                List.of(TurnFolders.prepareUploads(stateDir, threadKey)),
                TurnFolders.prepareOutbox(project, threadKey, record.access()));
        return new Preparation.Ready(record, turn);
    }

    /** Why the thread may not spend more ({@code [limits] max_thread_cost_usd}, {@code max_handle_daily_cost_usd}). */
    private Optional<String> overBudget(String threadKey, String handle) throws IOException {
        if (limits.maxThreadCostUsd() > 0) {
            double spent = store.spent(threadKey).usd();
            if (spent >= limits.maxThreadCostUsd()) {
                return Optional.of("This thread has used its budget (" + dollars(spent) + " of " + dollars(limits.maxThreadCostUsd())
                        + "), so it answers no more. Start a new thread, or ask the owner to raise `max_thread_cost_usd`.");
            }
        }
        if (limits.maxHandleDailyCostUsd() > 0) {
            double today = store.spentOn(handle, today());
            if (today >= limits.maxHandleDailyCostUsd()) {
                return Optional.of("Today's budget for `" + handle + "` is used up (" + dollars(today) + " of "
                        + dollars(limits.maxHandleDailyCostUsd()) + "); it renews at midnight UTC, or the owner can raise "
                        + "`max_handle_daily_cost_usd`.");
            }
        }
        return Optional.empty();
    }

    /** The day costs are counted by: UTC, the same for every owner's clock. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    static String dollars(double usd) {
        return String.format(java.util.Locale.ROOT, "$%.2f", usd);
    }
}
