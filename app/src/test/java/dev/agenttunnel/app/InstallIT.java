package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.ClaudeSandbox;
import dev.agenttunnel.testkit.FakeAnthropicApi;
import dev.agenttunnel.testkit.ProcessResult;
import dev.agenttunnel.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./install} as a user runs it, in a throw-away HOME, with the real claude (against the fake API): the plugin it
 * installs keeps working when the clone it was installed from is gone, and {@code agent-tunnel doctor} says whether
 * claude really loads it, and how to repair it when not. The clone is a copy of this repository's install files and
 * of the jars {@code package} built (so the install has nothing to build).
 */
class InstallIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    FakeAnthropicApi api;
    ClaudeSandbox sandbox;
    Map<String, String> env;
    Path clone;

    @BeforeEach
    void open() throws Exception {
        api = FakeAnthropicApi.start();
        sandbox = ClaudeSandbox.create(api);
        Path bin = sandbox.newDirectory("bin");
        Files.createSymbolicLink(bin.resolve("claude"), sandbox.claudeBinary());
        env = new HashMap<>(sandbox.env());
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        clone = sandbox.newDirectory("clone/agent-tunnel");
        for (String file : List.of("install", "agent-tunnel", "scripts/find-java.sh", "scripts/make-hook-aot.sh",
                ".claude-plugin/marketplace.json", "app/target/agent-tunnel-all.jar", "hooks/target/share-hook.jar")) {
            copy(TunnelWorld.REPO.resolve(file), clone.resolve(file));
        }
        try (Stream<Path> plugin = Files.walk(TunnelWorld.PLUGIN)) {
            for (Path file : plugin.filter(Files::isRegularFile).toList()) {
                copy(file, clone.resolve("hooks/plugin").resolve(TunnelWorld.PLUGIN.relativize(file)));
            }
        }
    }

    @AfterEach
    void close() {
        sandbox.close();
        api.close();
    }

    @Test
    void theInstalledPluginOutlivesTheCloneAndDoctorSaysWhetherClaudeLoadsIt() throws Exception {
        ProcessResult installed = run(List.of("bash", clone.resolve("install").toString()), sandbox.root());
        assertEquals(0, installed.exitCode(), installed.describe());
        Path market = sandbox.home().resolve(".local/share/agent-tunnel/claude-plugin");
        assertTrue(installed.stdout().contains("Installed the Claude Code plugin from " + market), installed.describe());

        TempDirs.deleteQuietly(sandbox.root().resolve("clone"));
        assertFalse(Files.exists(clone), "the clone is gone");

        Path project = sandbox.newDirectory("project");
        ProcessResult share = sandbox.run(List.of("-p", ">share status", "--output-format", "json"), project, null, WAIT, env);
        assertTrue(share.stdout().contains("This session is not shared"), "the hook answered >share status: " + share.describe());
        assertTrue(api.mainRequests().isEmpty(), ">share status never reached the model: " + api.describe());

        Path agentTunnel = sandbox.home().resolve(".local/bin/agent-tunnel");
        String healthy = run(List.of(agentTunnel.toString(), "doctor"), project).stdout();
        assertTrue(healthy.contains("  ✓ Claude Code plugin agent-tunnel@agent-tunnel (the >share hook): claude loads it from "
                + market.resolve("hooks/plugin")), healthy);
        assertFalse(healthy.contains("git checkout"), healthy);

        TempDirs.deleteQuietly(market);
        String broken = run(List.of(agentTunnel.toString(), "doctor"), project).stdout();
        String line = broken.lines().filter(l -> l.contains("Claude Code plugin")).findFirst().orElse(broken);
        assertTrue(line.startsWith("  ✗ Claude Code plugin agent-tunnel@agent-tunnel (the >share hook): claude cannot load it (")
                && line.contains(" — run ./install from an agent-tunnel clone"), broken);
        assertTrue(broken.contains("Some checks failed"), broken);
    }

    private ProcessResult run(List<String> command, Path cwd) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        Path out = Files.createTempFile(sandbox.root(), "out", ".txt");
        Path err = Files.createTempFile(sandbox.root(), "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean ended = process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        return new ProcessResult(ended ? process.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), !ended);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
