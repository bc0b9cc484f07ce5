package dev.agenttunnel.core.store;

import java.time.LocalDate;
import dev.agenttunnel.core.fork.TurnCost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.files.CorruptFileException;
import dev.agenttunnel.core.files.JsonStateFile;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * {@code state.json}: thread key → binding and fork id, shared by the daemon and CLI commands. Every operation
 * re-reads the file under the flock; {@link #recordFork} merges only what a turn learnt, so a rename or forget
 * made by another process during a long turn survives it.
 */
public final class ThreadStore {
    /** The largest state.json we read: far beyond any daemon's bindings and fork ids, and still parseable. */
    public static final long MAX_BYTES = 64L << 20;

    private final JsonStateFile file;
    private final Clock clock;

    public ThreadStore(Path path, Clock clock) {
        this.file = new JsonStateFile(path, MAX_BYTES);
        this.clock = clock;
    }

    public ThreadStore(Path path) {
        this(path, Clock.systemUTC());
    }

    public Path path() {
        return file.path();
    }

    /** Keeps a corrupt state.json as {@code state.json.corrupt-<time>} (see {@link JsonStateFile#moveAsideIfCorrupt}). */
    public java.util.Optional<Path> moveAsideIfCorrupt() throws IOException {
        return file.moveAsideIfCorrupt();
    }

    public Optional<ThreadRecord> get(String threadKey) throws IOException {
        return Optional.ofNullable(records(file.read()).get(threadKey));
    }

    public Map<String, ThreadRecord> all() throws IOException {
        return records(file.read());
    }

    /** Every fork id ever recorded, forgotten threads' forks included. */
    public SortedSet<String> knownForkIds() throws IOException {
        return forkIds(file.read());
    }

    /** Binds a new thread; if the key is already bound, returns the existing record unchanged. */
    public ThreadRecord bind(String threadKey, String handle, String expertSessionId, String projectDir, Backend backend,
            String configDir, AccessLevel access, String asker) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing != null) {
                return existing;
            }
            double now = now();
            ThreadRecord created = new ThreadRecord(threadKey, handle, expertSessionId, projectDir, configDir, access, "",
                    Optional.of(backend), asker, "", now, now);
            recordsNode(root).set(threadKey, toJson(created));
            return created;
        });
    }

    /**
     * Records what a turn learnt (fork id, tmux window) and bumps {@code last_used}. A thread forgotten meanwhile
     * is not recreated, but its fork id is still remembered. Returns the updated record, if the thread exists.
     */
    public Optional<ThreadRecord> recordFork(String threadKey, String forkSessionId, String tmuxWindow) throws IOException {
        return recordFork(threadKey, forkSessionId, tmuxWindow, null);
    }

    /**
     * {@link #recordFork(String, String, String)}, but only into the binding the turn ran under: when the key was
     * rebound meanwhile (a DM switched handles, a thread was forgotten and bound again), the new binding is left
     * alone, so an old turn never attaches its fork to it.
     */
    public Optional<ThreadRecord> recordFork(String threadKey, String forkSessionId, String tmuxWindow, ThreadRecord ranUnder)
            throws IOException {
        return file.update(root -> {
            if (!forkSessionId.isEmpty()) {
                SortedSet<String> ids = forkIds(root);
                if (ids.add(forkSessionId)) {
                    ArrayNode array = root.putArray("fork_ids");
                    ids.forEach(array::add);
                }
            }
            ThreadRecord existing = records(root).get(threadKey);
            if (existing == null || (ranUnder != null && !existing.sameBinding(ranUnder))) {
                return Optional.empty();
            }
            ThreadRecord merged = existing.withFork(forkSessionId, tmuxWindow);
            ObjectNode node = toJson(merged);
            JsonStateFile.putSeconds(node, "last_used", now());
            recordsNode(root).set(threadKey, node);
            return Optional.of(fromJson(threadKey, node));
        });
    }

    /** What a thread's turns have cost so far: dollars, tokens and how many turns reported a cost. */
    public record Spent(double usd, long inputTokens, long outputTokens, int turns) {
        public static final Spent NOTHING = new Spent(0, 0, 0, 0);
    }

    /** How many days of per-handle spending are kept (the daily cap needs only today's). */
    private static final int DAYS_KEPT = 7;

    /**
     * Adds a turn's cost to its thread ({@code costs}, by thread key) and to its handle's day ({@code daily_costs}).
     * Kept beside the records, not in them: the Python tool writes only {@code records} and {@code fork_ids}, and a
     * thread's record is rewritten by every turn.
     */
    public void recordCost(String threadKey, String handle, TurnCost cost, LocalDate day) throws IOException {
        file.update(root -> {
            ObjectNode costs = objectIn(root, "costs");
            Spent before = spentOf(costs.get(threadKey));
            ObjectNode entry = costs.putObject(threadKey);
            entry.put("usd", before.usd() + cost.usd());
            entry.put("input_tokens", before.inputTokens() + cost.inputTokens());
            entry.put("output_tokens", before.outputTokens() + cost.outputTokens());
            entry.put("turns", before.turns() + 1);
            ObjectNode daily = objectIn(objectIn(root, "daily_costs"), handle);
            daily.put(day.toString(), daily.path(day.toString()).asDouble(0) + cost.usd());
            List<String> old = new ArrayList<>();
            daily.fieldNames().forEachRemaining(d -> {
                if (d.compareTo(day.minusDays(DAYS_KEPT).toString()) < 0) {
                    old.add(d);
                }
            });
            old.forEach(daily::remove);
            return null;
        });
    }

    /** What the thread's turns have cost so far. */
    public Spent spent(String threadKey) throws IOException {
        return spentOf(file.read().path("costs").get(threadKey));
    }

    /** What every thread has cost, by key (threads that never reported a cost are absent). */
    public Map<String, Spent> allSpent() throws IOException {
        Map<String, Spent> all = new LinkedHashMap<>();
        file.read().path("costs").properties().forEach(e -> all.put(e.getKey(), spentOf(e.getValue())));
        return all;
    }

    /** What the handle's threads have cost on {@code day}. */
    public double spentOn(String handle, LocalDate day) throws IOException {
        return file.read().path("daily_costs").path(handle).path(day.toString()).asDouble(0);
    }

    private static Spent spentOf(JsonNode entry) {
        if (entry == null || !entry.isObject()) {
            return Spent.NOTHING;
        }
        return new Spent(entry.path("usd").asDouble(0), entry.path("input_tokens").asLong(0), entry.path("output_tokens").asLong(0),
                entry.path("turns").asInt(0));
    }

    private static ObjectNode objectIn(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode object ? object : parent.putObject(name);
    }

    /**
     * The thread's window was closed (reaped): clears its {@code tmux_window} when it still names {@code window}, and
     * keeps {@code last_used} (the thread was not used). Empty when the thread is unknown or names another window.
     */
    public Optional<ThreadRecord> clearWindow(String threadKey, String window) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing == null || window.isEmpty() || !existing.tmuxWindow().equals(window)) {
                return Optional.empty();
            }
            ThreadRecord cleared = existing.withFork(existing.forkSessionId(), "");
            recordsNode(root).set(threadKey, toJson(cleared));
            return Optional.of(cleared);
        });
    }

    /**
     * The thread's window was renamed from {@code from} to {@code to}: records the new name when the thread still names
     * {@code from} (also keeping {@code last_used}). Empty when the thread is unknown or names another window.
     */
    public Optional<ThreadRecord> renameWindow(String threadKey, String from, String to) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing == null || from.isEmpty() || !existing.tmuxWindow().equals(from)) {
                return Optional.empty();
            }
            ((ObjectNode) recordsNode(root).get(threadKey)).put("tmux_window", to);
            return Optional.of(existing.withFork(existing.forkSessionId(), to));
        });
    }

    /** Persists a new access level; empty when the thread is unknown. */
    public Optional<ThreadRecord> setAccess(String threadKey, AccessLevel level) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing == null) {
                return Optional.empty();
            }
            ThreadRecord changed = existing.withAccess(level);
            recordsNode(root).set(threadKey, toJson(changed));
            return Optional.of(changed);
        });
    }

    /**
     * Records where a thread's session stands now (its current handle and level) in one locked change; empty when
     * the thread is unknown. The binding's identity ({@link ThreadRecord#sameBinding}) does not change.
     */
    public Optional<ThreadRecord> follow(String threadKey, String handle, AccessLevel level) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing == null) {
                return Optional.empty();
            }
            ObjectNode node = (ObjectNode) recordsNode(root).get(threadKey);
            node.put("handle", handle);
            node.put("access", level.wire());
            return Optional.of(existing.withHandle(handle).withAccess(level));
        });
    }

    /** Drops a binding and returns it; its fork id stays in {@code fork_ids}. */
    public Optional<ThreadRecord> remove(String threadKey) throws IOException {
        return file.update(root -> {
            ThreadRecord existing = records(root).get(threadKey);
            if (existing != null) {
                recordsNode(root).remove(threadKey);
            }
            return Optional.ofNullable(existing);
        });
    }

    /** Drops every binding and returns them (in file order); {@code fork_ids} are kept. */
    public List<ThreadRecord> removeAll() throws IOException {
        return removeWhere(record -> true);
    }

    /**
     * Drops every binding whose handle is exactly {@code handle} (handles are stored lower-case) and returns them;
     * {@code fork_ids} are kept.
     */
    public List<ThreadRecord> removeByHandle(String handle) throws IOException {
        return removeWhere(record -> record.handle().equals(handle));
    }

    /**
     * Gives every binding under {@code oldHandle} the handle {@code newHandle}, in one locked change; returns how
     * many changed. Nothing else in a record changes, so turns in flight keep their binding identity
     * ({@link ThreadRecord#sameBinding}).
     */
    public int renameHandle(String oldHandle, String newHandle) throws IOException {
        return file.update(root -> {
            int renamed = 0;
            for (Map.Entry<String, ThreadRecord> entry : records(root).entrySet()) {
                if (entry.getValue().handle().equals(oldHandle)) {
                    // Only the handle changes: the node keeps fields we do not model, and its timestamps' digits.
                    ((ObjectNode) recordsNode(root).get(entry.getKey())).put("handle", newHandle);
                    renamed++;
                }
            }
            return renamed;
        });
    }

    private List<ThreadRecord> removeWhere(Predicate<ThreadRecord> selected) throws IOException {
        return file.update(root -> {
            List<ThreadRecord> removed = new ArrayList<>();
            for (Map.Entry<String, ThreadRecord> entry : records(root).entrySet()) {
                if (selected.test(entry.getValue())) {
                    recordsNode(root).remove(entry.getKey());
                    removed.add(entry.getValue());
                }
            }
            return List.copyOf(removed);
        });
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    private Map<String, ThreadRecord> records(ObjectNode root) throws CorruptFileException {
        JsonNode records = root.get("records");
        Map<String, ThreadRecord> result = new LinkedHashMap<>();
        if (records == null || records.isNull()) {
            return result;
        }
        if (!records.isObject()) {
            throw new CorruptFileException(file.path(), "\"records\" is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : records.properties()) {
            if (entry.getValue().isObject()) {
                result.put(entry.getKey(), fromJson(entry.getKey(), entry.getValue()));
            }
        }
        return result;
    }

    private static SortedSet<String> forkIds(ObjectNode root) {
        SortedSet<String> ids = new TreeSet<>();
        root.path("fork_ids").forEach(id -> {
            if (id.isTextual() && !id.asText().isEmpty()) {
                ids.add(id.asText());
            }
        });
        return ids;
    }

    private static ObjectNode recordsNode(ObjectNode root) {
        return root.get("records") instanceof ObjectNode object ? object : root.putObject("records");
    }

    static ThreadRecord fromJson(String key, JsonNode n) {
        return new ThreadRecord(
                JsonTrees.text(n, "thread_key").isEmpty() ? key : JsonTrees.text(n, "thread_key"),
                JsonTrees.text(n, "handle"),
                JsonTrees.text(n, "expert_session_id"),
                JsonTrees.text(n, "project_dir"),
                JsonTrees.text(n, "config_dir"),
                AccessLevel.parseOrRead(JsonTrees.text(n, "access")),
                JsonTrees.text(n, "fork_session_id"),
                Backend.parse(JsonTrees.text(n, "backend")),
                JsonTrees.text(n, "asker"),
                JsonTrees.text(n, "tmux_window"),
                n.path("created_at").asDouble(0.0),
                n.path("last_used").asDouble(0.0));
    }

    static ObjectNode toJson(ThreadRecord r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("thread_key", r.threadKey());
        n.put("handle", r.handle());
        n.put("expert_session_id", r.expertSessionId());
        n.put("project_dir", r.projectDir());
        n.put("config_dir", r.configDir());
        n.put("access", r.access().wire());
        n.put("fork_session_id", r.forkSessionId());
        n.put("backend", r.backend().map(Backend::wire).orElse(""));
        n.put("asker", r.asker());
        n.put("tmux_window", r.tmuxWindow());
        JsonStateFile.putSeconds(n, "created_at", r.createdAt());
        JsonStateFile.putSeconds(n, "last_used", r.lastUsed());
        return n;
    }
}
