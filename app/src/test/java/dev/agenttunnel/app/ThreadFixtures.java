package dev.agenttunnel.app;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.registry.RegistryJson;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Seeds a {@link TunnelWorld}'s registry, state and transcripts directly, for commands that only read them. */
final class ThreadFixtures {
    private final TunnelWorld world;

    ThreadFixtures(TunnelWorld world) {
        this.world = world;
    }

    Path statePath() {
        return world.sandbox.root().resolve("state/state.json");
    }

    Path stateDir() {
        return statePath().getParent();
    }

    ThreadStore store() {
        return new ThreadStore(statePath());
    }

    /** Publishes {@code handle} for {@code session} as the {@code >share} hook would. */
    void publish(String handle, String session, Path project, String label) throws IOException {
        RegistryRecord record = new RegistryRecord(handle, session, project.toString(), world.sandbox.configDir().toString(),
                AccessLevel.WRITE, label, "", Instant.now().toEpochMilli() / 1000.0, false);
        world.registry().update(root -> {
            RegistryJson.put(root, record);
            return null;
        });
    }

    /** A thread bound and answered (fork recorded) at {@code lastUsed}. */
    ThreadRecord fork(String key, String handle, Path project, String configDir, Backend backend, String forkId, String window,
            String asker, Instant lastUsed) throws IOException {
        bind(key, handle, project, configDir, backend, asker, lastUsed);
        return at(lastUsed).recordFork(key, forkId, window).orElseThrow();
    }

    /** A thread bound at {@code when} whose first answer has not come yet. */
    ThreadRecord bind(String key, String handle, Path project, String configDir, Backend backend, String asker, Instant when)
            throws IOException {
        return at(when).bind(key, handle, "expert-" + handle, project.toString(), backend, configDir, AccessLevel.WRITE, asker);
    }

    private ThreadStore at(Instant when) {
        return new ThreadStore(statePath(), Clock.fixed(when, ZoneOffset.UTC));
    }

    /**
     * Writes a fork transcript under {@code configDir} holding {@code questions} real questions, plus the entries
     * that must not count: a tool result, a meta entry, a sidechain, a summary, an assistant answer, a bad line.
     */
    static Path transcript(Path configDir, Path project, String forkId, int questions) throws IOException {
        Path file = configDir.resolve("projects").resolve(project.toString().replaceAll("[^A-Za-z0-9]", "-"))
                .resolve(forkId + ".jsonl");
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"summary\",\"summary\":\"earlier\"}");
        for (int i = 0; i < questions; i++) {
            lines.add(i % 2 == 0
                    ? "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"question " + i + "\"}}"
                    : "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"question " + i + "\"}]}}");
            lines.add("{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"answer\"}]}}");
        }
        lines.add("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":\"x\"}]}}");
        lines.add("{\"type\":\"user\",\"isMeta\":true,\"message\":{\"content\":\"<command-name>/clear</command-name>\"}}");
        lines.add("{\"type\":\"user\",\"isSidechain\":true,\"message\":{\"content\":\"a subagent's prompt\"}}");
        lines.add("{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"\"}]}}");
        lines.add("not json {");
        lines.add("");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }
}
