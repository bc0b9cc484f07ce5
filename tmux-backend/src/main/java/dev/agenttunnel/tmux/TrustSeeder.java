package dev.agenttunnel.tmux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.AtomicFiles;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Marks a project folder trusted in the state file claude really reads (reference §8.8), so a fork starts straight
 * into its prompt instead of stopping at claude's folder-trust dialog.
 *
 * <p>Surgical: it sets three flags under {@code projects["<canonical folder>"]}, merging into an existing entry, and
 * changes nothing else. Atomic: the new content goes to a fresh temp file beside it ({@link AtomicFiles}, which
 * never writes through a planted link), created with the old file's permissions or {@code rw-------} for a new one
 * (the file holds account state), and is renamed over the file. A file that is not a JSON object,
 * or whose {@code projects} is not one, is left untouched. Concurrent seeds in this JVM are serialised; claude itself
 * rewrites the file while it runs and no lock keeps it out, which is why the trust dialog is also watched for.
 */
public final class TrustSeeder {
    /** What a seed did. */
    public enum Result { SEEDED, UNCHANGED, SKIPPED }

    static final List<String> FLAGS = List.of("hasTrustDialogAccepted", "hasTrustDialogHooksAccepted", "hasCompletedProjectOnboarding");
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-------");

    private final Object lock = new Object();

    /**
     * The state file a fork with environment {@code forkEnv} reads: {@code trust_config_path} when it is set;
     * otherwise {@code $CLAUDE_CONFIG_DIR/.claude.json} when the fork has that variable (even if it names
     * {@code ~/.claude}); otherwise {@code $HOME/.claude.json}.
     */
    public static Path stateFile(String trustConfigPath, Map<String, String> forkEnv, Environment env) {
        if (!trustConfigPath.isBlank()) {
            return env.resolve(trustConfigPath);
        }
        String configDir = forkEnv.getOrDefault("CLAUDE_CONFIG_DIR", "");
        if (!configDir.isEmpty()) {
            return env.resolve(configDir).resolve(".claude.json");
        }
        String home = forkEnv.getOrDefault("HOME", "");
        return (home.isEmpty() ? env.home() : Path.of(home)).resolve(".claude.json");
    }

    /** Sets the trust flags for {@code project} (its canonical path is the key) in {@code stateFile}. */
    public Result seed(Path stateFile, Path project) throws IOException {
        synchronized (lock) {
            ObjectNode root;
            try {
                JsonNode read = JsonTrees.parse(Files.readAllBytes(stateFile));
                if (!(read instanceof ObjectNode object)) {
                    return Result.SKIPPED;
                }
                root = object;
            } catch (NoSuchFileException e) {
                root = JsonTrees.nodes().objectNode();
            } catch (IOException e) {
                return Result.SKIPPED; // unreadable or corrupt: claude's file, not ours to repair
            }
            JsonNode projects = root.path("projects");
            if (projects.isMissingNode()) {
                projects = root.putObject("projects");
            }
            if (!(projects instanceof ObjectNode projectMap)) {
                return Result.SKIPPED;
            }
            String key = project.toString();
            JsonNode existing = projectMap.path(key);
            if (!existing.isMissingNode() && !existing.isObject()) {
                return Result.SKIPPED;
            }
            ObjectNode entry = existing.isObject() ? (ObjectNode) existing : projectMap.putObject(key);
            if (FLAGS.stream().allMatch(flag -> entry.path(flag).asBoolean(false))) {
                return Result.UNCHANGED;
            }
            FLAGS.forEach(flag -> entry.put(flag, true));
            AtomicFiles.replace(stateFile, JsonTrees.pretty(root), NEW_FILE); // an existing file keeps its permissions
            return Result.SEEDED;
        }
    }
}
