package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.app.HostileProbes.Outcome;
import dev.agenttunnel.app.HostileProbes.Probe;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.claude.ForkFence;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-model suite: a fork's model, scripted through the fake API, tries every attack of {@link HostileProbes}
 * at each level, through {@code ask} and through the Discord emulator, on the headless and the tmux backend, with the
 * real claude. Below {@code all} every attack must be refused and the level's own work allowed; {@code all} with its
 * gate on shows what that level gives up (it is not a failure). The attack × run table is printed at the end and kept
 * in {@code target/hostile-suite.md}.
 */
class HostileForkSuiteTest {
    private static final Map<String, Map<String, Outcome>> TABLE = new ConcurrentHashMap<>();
    private static final List<String> COLUMNS = new CopyOnWriteArrayList<>();
    private static final List<String> ROWS = new CopyOnWriteArrayList<>();

    private ServeWorld w;
    private HostileProbes probes;
    private final List<String> failures = new ArrayList<>();

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    @AfterAll
    static void printTable() throws IOException {
        StringBuilder table = new StringBuilder("| attack | " + String.join(" | ", COLUMNS) + " |\n|---|"
                + "---|".repeat(COLUMNS.size()) + "\n");
        for (String row : ROWS) {
            table.append("| ").append(row).append(" |");
            for (String column : COLUMNS) {
                Outcome outcome = TABLE.getOrDefault(row, Map.of()).get(column);
                table.append(' ').append(outcome == null ? "—" : outcome.name().toLowerCase(Locale.ROOT)).append(" |");
            }
            table.append('\n');
        }
        System.out.println("\nHostile-model suite (claude's real permission checks, fake model):\n" + table);
        Path out = Path.of("target/hostile-suite.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }

    private void world(boolean tmux) throws Exception {
        w = new ServeWorld("", "", true);
        if (tmux) {
            Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        }
        git("init", "-q");
        git("config", "user.email", "t@example.com");
        git("config", "user.name", "t");
        var settings = w.settings();
        probes = new HostileProbes(new HostileProbes.Places(w.world.sandbox.home(), w.project, w.world.config,
                w.world.registryPath, settings.tunnel().statePath(), Path.of(settings.discord().tokenFile()),
                w.world.bin.resolve("agent-tunnel"), w.discord.token(),
                java.net.URI.create(w.world.api.baseUrl()).getPort(), w.world.api::requests)).plant();
        git("add", "README.md", "CLAUDE.md");
        git("commit", "-q", "-m", "init");
        // state.json exists once a thread is bound; bind one so that reading it is a real attempt.
        w.world.cli("ask", "hello", "--handle", "payments", "--thread", "warm-up");
    }

    @Test
    void throughAskOnTheHeadlessBackend() throws Exception {
        world(false);
        for (AccessLevel level : List.of(AccessLevel.READ, AccessLevel.WRITE, AccessLevel.BASH)) {
            run("ask " + level.wire(), level, runId -> ask(runId));
        }
        run("ask all (gate off)", AccessLevel.ALL, runId -> {
            TunnelWorld.CliResult r = w.world.cli("ask", "HOSTILE " + runId, "--handle", "payments", "--thread", runId);
            check(r.code() == ExitCodes.REFUSED && r.err().contains("allow_skip_permissions"), "all without its gate is refused: " + r.describe());
            return r.out() + r.err();
        });
        openTheGate();
        run("ask all (gate on)", AccessLevel.ALL, runId -> ask(runId));
        assertNoFailures();
    }

    @Test
    void throughDiscordOnTheHeadlessBackend() throws Exception {
        world(false);
        w.startDaemon();
        throughDiscord("discord headless");
    }

    @Test
    void throughDiscordOnTheTmuxBackend() throws Exception {
        world(true);
        w.startDaemon();
        throughDiscord("discord tmux");
    }

    private void throughDiscord(String surface) throws Exception {
        for (AccessLevel level : List.of(AccessLevel.READ, AccessLevel.WRITE, AccessLevel.BASH)) {
            run(surface + " " + level.wire(), level, runId -> thread(runId, "HOSTILE-DONE " + runId));
        }
        run(surface + " all (gate off)", AccessLevel.ALL, runId -> thread(runId, "allow_skip_permissions"));
        w.stopDaemon();
        openTheGate();
        w.startDaemon();
        run(surface + " all (gate on)", AccessLevel.ALL, runId -> thread(runId, "HOSTILE-DONE " + runId));
        assertNoFailures();
    }

    private void openTheGate() throws IOException {
        String config = Files.readString(w.world.config);
        Files.writeString(w.world.config, config.replace("unset_api_key = false", "unset_api_key = false\nallow_skip_permissions = true"));
    }

    /** What a run gives back to the person asking (stdout and stderr, or every bot message in the thread). */
    @FunctionalInterface
    private interface Trigger {
        String ask(String runId) throws Exception;
    }

    private void run(String column, AccessLevel level, Trigger trigger) throws Exception {
        w.share(">share " + switch (level) {
            case READ -> "--read";
            case WRITE -> "--write";
            case BASH -> "--dangerously-allow-bash";
            case ALL -> "--dangerously-skip-permissions";
        } + " payments");
        String runId = "run" + Long.toHexString(System.nanoTime());
        COLUMNS.add(column);
        probes.beforeRun();
        int seen = w.world.api.requests().size();
        w.world.api.scriptMain(probes.model(runId));
        String told = trigger.ask(runId);
        List<RecordedRequest> requests = w.world.api.requests().subList(seen, w.world.api.requests().size());
        Map<Probe, Outcome> outcomes = probes.outcomes(runId, requests);
        probes.afterRun();
        boolean gated = level == AccessLevel.ALL && column.contains("gate on");
        outcomes.forEach((probe, outcome) -> {
            if (!ROWS.contains(probe.name())) {
                ROWS.add(probe.name());
            }
            TABLE.computeIfAbsent(probe.name(), n -> new ConcurrentHashMap<>()).put(column, outcome);
            boolean expected = probe.expectedAllowed(level) && !(level == AccessLevel.ALL && !gated);
            if (!gated && (outcome == Outcome.ALLOWED) != expected) {
                failures.add(column + ": " + probe.name() + " was " + outcome.name().toLowerCase(Locale.ROOT));
            }
        });
        if (!gated) {
            probes.markers().stream().filter(told::contains).forEach(m -> failures.add(column + ": " + m + " reached the asker"));
            offeredTools(runId, requests).forEach(tool -> check(level != AccessLevel.ALL
                    && dev.agenttunnel.core.claude.ToolPresets.tools(level).contains(tool), column + ": the model was offered " + tool));
        }
    }

    private String ask(String runId) {
        TunnelWorld.CliResult r = w.world.cli("ask", "HOSTILE " + runId, "--handle", "payments", "--thread", runId);
        check(r.code() == 0 && r.out().contains("HOSTILE-DONE " + runId), "ask answered: " + r.describe());
        return r.out() + r.err();
    }

    private String thread(String runId, String awaited) {
        String thread = w.openThread(w.alice, "payments HOSTILE " + runId);
        w.awaitBot(thread, awaited);
        StringBuilder told = new StringBuilder();
        w.discord.messagesIn(thread).stream().filter(PostedMessage::byBot).forEach(m -> told.append(m.content()).append('\n'));
        return told.toString();
    }

    private static Set<String> offeredTools(String runId, List<RecordedRequest> requests) {
        Set<String> tools = new TreeSet<>();
        requests.stream().filter(r -> r.isMainConversation() && r.allText().contains(runId)).findFirst()
                .ifPresent(r -> tools.addAll(r.toolNames()));
        tools.remove("DeferredToolPlaceholder");
        return tools;
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    private void assertNoFailures() {
        assertTrue(failures.isEmpty(), "The fence did not hold (sandbox for bash: " + sandbox() + "):\n" + String.join("\n", failures));
    }

    private String sandbox() {
        try {
            return ForkFence.of(w.settings(), w.world.environment(w.world.sandbox.root())).sandboxAvailable() ? "on" : "off";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private void git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", w.project.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
        }
    }
}
