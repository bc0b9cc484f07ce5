package dev.agenttunnel.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.registry.Registry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareHookMainTest {
    @TempDir
    Path home;

    @Test
    void anOversizedRegistryBlocksTheShareWithAReasonAndIsLeftAlone() throws Exception {
        Path registry = home.resolve("state/registry.json");
        Files.createDirectories(registry.getParent());
        try (var raf = new RandomAccessFile(registry.toFile(), "rw")) {
            raf.setLength(43L << 20); // sparse: costs no disk
        }
        Environment env = new Environment(Map.of("HOME", home.toString(), Registry.ENV_VAR, registry.toString()), home);
        String stdin = """
                {"session_id": "aaaaaaaa-1111-0000-0000-000000000000", "prompt": ">share payments", "cwd": "/w",
                 "transcript_path": ""}
                """;

        String line = ShareHookMain.run(stdin, env, Clock.systemUTC()).orElseThrow();

        JsonNode decision = JsonTrees.parse(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("block", decision.path("decision").asText());
        String reason = decision.path("reason").asText();
        assertTrue(reason.contains(registry.toString()) && reason.contains("(43 MiB)") && reason.contains("more than the 4 MiB"), reason);
        assertEquals(43L << 20, Files.size(registry), "left as it was");
        try (var files = Files.list(registry.getParent())) {
            assertEquals(List.of(registry), files.filter(p -> !p.getFileName().toString().endsWith(".lock")).toList(),
                    "not moved aside");
        }
    }
}
