package dev.agenttunnel.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One fork as {@code forks} and {@code resume} show it. {@code turns} is a string because it may be unknown
 * ({@code ?}: the transcript is missing); {@code status} is {@code live}/{@code idle} for tmux threads and
 * {@code -} for headless ones, which hold nothing between turns.
 */
record ForkRow(
        ThreadRecord thread,
        String lastActive,
        String turns,
        String status,
        String project,
        ThreadStore.Spent spent) {

    static final String UNKNOWN_TURNS = "?";

    /**
     * The threads that have a fork, those of {@code handle} only when it is given (compared lower-cased, as
     * handles are stored), most recently used first.
     */
    static List<ThreadRecord> forks(Collection<ThreadRecord> threads, Optional<String> handle) {
        return threads.stream()
                .filter(ThreadRecord::hasFork)
                .filter(t -> handle.isEmpty() || t.handle().equals(handle.get()))
                .sorted(Comparator.comparingDouble(ThreadRecord::lastUsed).reversed())
                .toList();
    }

    /**
     * @param liveWindows the fork windows alive on the private tmux server ({@link ForkWindows#live()}), and the threads
     *                    whose warm claude runs ({@link dev.agenttunnel.core.fork.ForkProcesses#warmThreads()})
     */
    static ForkRow of(ThreadRecord thread, Settings settings, Environment env, double nowEpochSeconds, java.util.Set<String> liveWindows,
            ThreadStore.Spent spent) {
        OptionalInt turns = ForkTranscripts.of(thread, settings, env)
                .map(ForkTranscripts::userTurns)
                .orElse(OptionalInt.empty());
        return new ForkRow(
                thread,
                RelativeTime.ago(thread.lastUsed(), nowEpochSeconds),
                turns.isPresent() ? Integer.toString(turns.getAsInt()) : UNKNOWN_TURNS,
                status(thread, settings.tunnel().backend(), liveWindows),
                project(thread),
                spent);
    }

    /**
     * {@code live} when a tmux thread's window runs on the private server, {@code idle} when it does not (reaped,
     * closed, or the server stopped: the next question resumes the fork cold); for headless threads {@code warm} while
     * the daemon keeps a claude running for it, else {@code -}.
     */
    static String status(ThreadRecord thread, Backend configured, java.util.Set<String> liveWindows) {
        if (thread.effectiveBackend(configured) != Backend.TMUX) {
            return liveWindows.contains(thread.threadKey()) ? "warm" : "-";
        }
        return ForkWindows.isLive(thread, configured, liveWindows) ? "live" : "idle";
    }

    /** {@code <project folder name>[ [<config dir name>]]}. */
    static String project(ThreadRecord thread) {
        String project = baseName(thread.projectDir());
        return thread.configDir().isEmpty() ? project : project + " [" + baseName(thread.configDir()) + "]";
    }

    String fork() {
        return shortId(thread.forkSessionId());
    }

    /** {@code $0.0123}: what the thread's turns have cost (0 where the backend cannot tell, e.g. tmux). */
    String cost() {
        return String.format(java.util.Locale.ROOT, "$%.4f", spent.usd());
    }

    static String shortId(String id) {
        return id.substring(0, Math.min(8, id.length()));
    }

    /** The row as {@code forks --json} prints it. */
    ObjectNode toJson() {
        ObjectNode row = JsonTrees.nodes().objectNode();
        row.put("thread_key", thread.threadKey());
        row.put("handle", thread.handle());
        row.put("access", thread.access().wire());
        row.put("asker", thread.asker());
        row.put("last_active", lastActive);
        row.put("turns", turns);
        row.put("status", status);
        row.put("project", project);
        row.put("fork", fork());
        row.put("cost_usd", spent.usd());
        row.put("input_tokens", spent.inputTokens());
        row.put("output_tokens", spent.outputTokens());
        return row;
    }

    /** The access level as the table shows it: the dangerous ones stand out. */
    static String accessLabel(AccessLevel access) {
        return switch (access) {
            case READ -> "read";
            case WRITE -> "✍️ write";
            case BASH -> "💥 bash";
            case ALL -> "🚨 all";
        };
    }

    static String statusLabel(String status) {
        return switch (status) {
            case "live" -> "● live";
            case "idle" -> "○ idle";
            case "warm" -> "● warm";
            default -> "—";
        };
    }

    private static String baseName(String dir) {
        if (dir.isEmpty()) {
            return "-";
        }
        Path name = Path.of(dir).getFileName();
        return name == null ? dir : name.toString();
    }
}
