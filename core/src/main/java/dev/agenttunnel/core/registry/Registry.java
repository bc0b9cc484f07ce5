package dev.agenttunnel.core.registry;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.files.JsonStateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code registry.json}: handle → published session. Written by the {@code >share} hook and the CLI, read by
 * the daemon. Every read is fresh (the file is small and other processes change it); every change goes
 * through {@link JsonStateFile#update}, under the flock shared with the Python hook.
 */
public final class Registry {
    public static final String ENV_VAR = "AGENT_TUNNEL_REGISTRY";
    public static final String DEFAULT_PATH = "~/.local/state/agent-tunnel/registry.json";

    /**
     * The largest registry we read: thousands of records, yet small enough for the {@code >share} hook's 64 MB heap
     * to parse and rewrite (a 43 MB one made it run out of memory).
     */
    public static final long MAX_BYTES = 4L << 20;

    private final JsonStateFile file;

    public Registry(Path path) {
        this.file = new JsonStateFile(path, MAX_BYTES);
    }

    /** A registry whose lock is taken by {@code locker} (e.g. already held by the hook's launcher). */
    public Registry(Path path, JsonStateFile.Locker locker) {
        this.file = new JsonStateFile(path, MAX_BYTES, locker);
    }

    /** The hook's registry path: {@code $AGENT_TUNNEL_REGISTRY} or the default, {@code ~} expanded, absolute. */
    public static Path hookPath(Environment env) {
        return env.resolve(env.get(ENV_VAR).orElse(DEFAULT_PATH));
    }

    public Path path() {
        return file.path();
    }

    public JsonStateFile file() {
        return file;
    }

    /** Every record by key, revoked ones included. */
    public Map<String, RegistryRecord> all() throws IOException {
        return RegistryJson.records(file.read(), file.path());
    }

    /** The live record under a handle typed by a person (stripped, lower-cased), if any. */
    public Optional<RegistryRecord> get(String handle) throws IOException {
        RegistryRecord record = all().get(Handles.normalise(handle));
        return record != null && record.live() ? Optional.of(record) : Optional.empty();
    }

    /** Live records, newest first. */
    public List<RegistryRecord> active() throws IOException {
        return all().values().stream()
                .filter(RegistryRecord::live)
                .sorted(Comparator.comparingDouble(RegistryRecord::createdAt).reversed())
                .toList();
    }

    /** Result of {@link #revoke}. */
    public enum RevokeResult { REVOKED, ALREADY_REVOKED, NOT_FOUND }

    /** Marks a handle revoked; bound threads keep working, new threads cannot open. */
    public RevokeResult revoke(String handle) throws IOException {
        String key = Handles.normalise(handle);
        return file.update(root -> {
            RegistryRecord record = RegistryJson.records(root, file.path()).get(key);
            if (record == null) {
                return RevokeResult.NOT_FOUND;
            }
            if (record.revoked()) {
                return RevokeResult.ALREADY_REVOKED;
            }
            RegistryJson.put(root, record.withRevoked(true));
            return RevokeResult.REVOKED;
        });
    }

    /**
     * Moves a live record to a new handle. The old handle is stripped and lower-cased; the new one is sanitised as
     * {@code >share <label>} does it ({@link Handles#sanitise}: {@code "Bad Name!"} becomes {@code bad-name}), so the
     * hook and the CLI accept the same names. A revoked record, or one of the same session, under the new handle is
     * overwritten; a live one of another session is not. The label moves along only when it was the old handle,
     * so a custom label is kept.
     */
    public RenameResult rename(String oldHandle, String newHandle) throws IOException {
        String from = Handles.normalise(oldHandle);
        java.util.Optional<String> sanitised = Handles.sanitise(newHandle);
        if (sanitised.isEmpty()) {
            return new RenameResult.Refused(RenameResult.Reason.INVALID_HANDLE,
                    "Invalid handle '" + newHandle.strip() + "': use " + Handles.RULE + ".");
        }
        String to = sanitised.get();
        if (to.equals(from)) {
            return new RenameResult.Refused(RenameResult.Reason.SAME_HANDLE,
                    "'" + from + "' is already called that; give a different new handle.");
        }
        return file.update(root -> {
            Map<String, RegistryRecord> records = RegistryJson.records(root, file.path());
            RegistryRecord current = records.get(from);
            if (current == null || current.revoked()) {
                return new RenameResult.Refused(RenameResult.Reason.NOT_FOUND, "No handle '" + from + "' in the registry.");
            }
            RegistryRecord occupant = records.get(to);
            if (occupant != null && occupant.live() && !occupant.sessionId().equals(current.sessionId())) {
                return new RenameResult.Refused(RenameResult.Reason.ALREADY_USED, "Handle '" + to
                        + "' is already used by another session; pick another name (or revoke '" + to + "' first).");
            }
            RegistryRecord moved = current.withHandleAndLabel(to, current.label().equals(from) ? to : current.label());
            RegistryJson.remove(root, from);
            RegistryJson.put(root, moved);
            return new RenameResult.Renamed(current, moved);
        });
    }

    /** Applies a change to the records under the lock; the change sees a fresh read. */
    public <T> T update(JsonStateFile.Change<T> change) throws IOException {
        return file.update(change);
    }
}
