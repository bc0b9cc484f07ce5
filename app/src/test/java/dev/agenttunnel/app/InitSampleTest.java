package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/** The config {@code init} writes means the defaults to the Python agent-tunnel too (BadInputTest: to us). */
class InitSampleTest {
    /** The keys the Python tool anchors to the config file's folder: there "" is that folder, not "unset". */
    private static final List<String> ANCHORED_PATHS = List.of("tunnel.state_path", "tunnel.registry_path", "tunnel.claude_home",
            "tunnel.project_dir");

    TunnelWorld world;
    Path sample;

    @BeforeEach
    void open() {
        world = new TunnelWorld();
        sample = world.sandbox.root().resolve("fresh/config.toml");
        TunnelWorld.CliResult r = world.cli("init", "--path", sample.toString());
        assertEquals(0, r.code(), r.describe());
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void theSampleSetsNoPathThePythonToolWouldReadAsTheConfigFolder() throws Exception {
        TomlParseResult toml = Toml.parse(sample);
        assertFalse(toml.hasErrors(), toml.errors().toString());
        for (String key : ANCHORED_PATHS) {
            if (toml.contains(key)) {
                assertFalse(toml.getString(key).isBlank(), key + " is set to \"\" in the sample:\n" + Files.readString(sample));
            }
        }
        String text = Files.readString(sample);
        assertTrue(text.contains("# registry_path = \"~/.local/state/agent-tunnel/registry.json\""), text);
        assertTrue(text.contains("# claude_home = \"~/.claude\""), text);
    }
}
