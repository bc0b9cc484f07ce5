package dev.agenttunnel.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Whether claude really loads the {@code >share} plugin, as {@code doctor} reports it: asks the claude the owner runs
 * ({@code claude plugin list --json}, in the owner's environment, so for the config dir their sessions use) for the
 * plugin, and checks that it is enabled, loads without errors, and that the folder it is read from holds the hook.
 * A plugin installed from a git checkout works until that checkout moves, which is said as a note.
 */
final class PluginCheck {
    static final String PLUGIN = "agent-tunnel";
    static final String REPAIR = "run ./install from an agent-tunnel clone (it installs the plugin from a copy of its own under "
            + "~/.local/share/agent-tunnel, so the clone may move or go), then start a new claude session";
    private static final long LIST_TIMEOUT_S = 30;

    /** What the check found: passed or not, the line to show, the fix when it failed, and notes to add. */
    record Result(boolean ok, String label, String fix, List<String> notes) {
    }

    private PluginCheck() {
    }

    static Result run(Path claude, Environment env) throws InterruptedException {
        String label = "Claude Code plugin " + PLUGIN + " (the >share hook)";
        JsonNode plugins;
        try {
            plugins = JsonTrees.parse(list(claude, env));
        } catch (IOException e) {
            return new Result(false, label, "`" + claude + " plugin list --json` did not answer: " + e.getMessage() + "; " + REPAIR,
                    List.of());
        }
        Optional<JsonNode> ours = Optional.empty();
        for (JsonNode plugin : plugins) {
            if (plugin.path("id").asText().startsWith(PLUGIN + "@")) {
                ours = Optional.of(plugin);
            }
        }
        if (ours.isEmpty()) {
            return new Result(false, label, "claude has no such plugin installed (`claude plugin list` does not show it); " + REPAIR,
                    List.of());
        }
        JsonNode plugin = ours.get();
        String id = plugin.path("id").asText();
        label = "Claude Code plugin " + id + " (the >share hook)";
        if (!plugin.path("enabled").asBoolean(false)) {
            return new Result(false, label + " is disabled", "claude plugin enable " + id, List.of());
        }
        List<String> errors = new ArrayList<>();
        plugin.path("errors").forEach(error -> errors.add(error.asText()));
        if (!errors.isEmpty()) {
            return new Result(false, label + ": claude cannot load it (" + String.join("; ", errors) + ")", REPAIR, List.of());
        }
        String folder = plugin.path("readFromFolder").asText(plugin.path("installPath").asText(""));
        Path hooks = Path.of(folder.isEmpty() ? "." : folder).resolve("hooks");
        if (folder.isEmpty() || !Files.isRegularFile(hooks.resolve("hooks.json")) || !Files.isRegularFile(hooks.resolve("share-hook.sh"))) {
            return new Result(false, label + ": its hook is missing from " + (folder.isEmpty() ? "the folder claude reads" : folder),
                    REPAIR, List.of());
        }
        List<String> notes = new ArrayList<>();
        checkout(Path.of(folder)).ifPresent(repo -> notes.add("the plugin is read from the git checkout " + repo + ": moving or "
                + "deleting it breaks >share; ./install installs a copy that does not depend on it"));
        return new Result(true, label + ": claude loads it from " + folder, "", notes);
    }

    /** The git checkout {@code folder} lies in, if any (a few levels up: the plugin sits at {@code hooks/plugin}). */
    private static Optional<Path> checkout(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        for (int up = 0; up < 4 && dir != null; up++, dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".git"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** {@code claude plugin list --json}: reads claude's files only, no network. */
    private static String list(Path claude, Environment env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(claude.toString(), "plugin", "list", "--json")
                .directory(env.home().toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env.variables());
        Process process = builder.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readQuietly(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readQuietly(process.getErrorStream()));
        if (!process.waitFor(LIST_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("no answer within " + LIST_TIMEOUT_S + " s");
        }
        if (process.exitValue() != 0) {
            String said = new String(err.join(), StandardCharsets.UTF_8).strip();
            throw new IOException("exit " + process.exitValue() + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse("")));
        }
        return new String(out.join(), StandardCharsets.UTF_8);
    }

    private static byte[] readQuietly(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
