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

    private final JsonStateFile file;

    public Registry(Path path) {
        this.file = new JsonStateFile(path);
    }

    /** A registry whose lock is taken by {@code locker} (e.g. already held by the hook's launcher). */
    public Registry(Path path, JsonStateFile.Locker locker) {
        this.file = new JsonStateFile(path, locker);
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

    /** Applies a change to the records under the lock; the change sees a fresh read. */
    public <T> T update(JsonStateFile.Change<T> change) throws IOException {
        return file.update(change);
    }
}
