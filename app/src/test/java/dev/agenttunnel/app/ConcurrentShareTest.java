package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.registry.RegistryRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many owners typing {@code >share} at once: separate hook processes, one registry, nothing lost. */
class ConcurrentShareTest {
    @Test
    void twentyConcurrentSharesLeaveTwentyCorrectRecords() throws Exception {
        try (TunnelWorld world = new TunnelWorld()) {
            Path launcher = world.bin.resolve("agent-tunnel");
            List<Process> hooks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "hook", "share");
                builder.environment().clear();
                builder.environment().putAll(world.env());
                Process p = builder.start();
                String payload = """
                        {"session_id": "%08d-0000-0000-0000-000000000000", "prompt": ">share label-%d", "cwd": "/w/p%d",
                         "transcript_path": "%s/.claude/projects/-w-p%d/x.jsonl"}
                        """.formatted(i, i, i, world.sandbox.home(), i);
                p.getOutputStream().write(payload.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                hooks.add(p);
            }
            for (Process p : hooks) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a hook process hung");
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("\"decision\":\"block\"") && out.contains("Sharing this session as"), out);
            }
            Map<String, RegistryRecord> records = world.registry().all();
            assertEquals(20, records.size(), records.keySet().toString());
            for (int i = 0; i < 20; i++) {
                RegistryRecord r = records.get("label-" + i);
                assertEquals("%08d-0000-0000-0000-000000000000".formatted(i), r.sessionId());
                assertEquals("/w/p" + i, r.cwd());
                assertEquals(world.sandbox.home() + "/.claude", r.configDir());
            }
        }
    }

    @Test
    void hooksRunUnderTheLaunchersFlockNeitherDeadlockNorLoseRecords() throws Exception {
        try (TunnelWorld world = new TunnelWorld()) {
            java.nio.file.Files.createDirectories(world.registryPath.getParent());
            String lock = world.registryPath + ".lock";
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<Process> hooks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // What ./agent-tunnel does for `hook share`: the JVM runs under `flock <registry>.lock` and is told so.
                ProcessBuilder builder = new ProcessBuilder("flock", lock, java, "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), "dev.agenttunnel.hooks.ShareHookMain");
                builder.environment().clear();
                builder.environment().putAll(world.env());
                builder.environment().put("AGENT_TUNNEL_HELD_LOCK", lock);
                Process p = builder.start();
                p.getOutputStream().write("""
                        {"session_id": "%08d-1111-0000-0000-000000000000", "prompt": ">share held-%d", "cwd": "/w"}
                        """.formatted(i, i).getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                hooks.add(p);
            }
            for (Process p : hooks) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a hook under the launcher's lock hung");
                assertEquals(0, p.exitValue());
            }
            assertEquals(10, world.registry().all().size());
        }
    }
}
