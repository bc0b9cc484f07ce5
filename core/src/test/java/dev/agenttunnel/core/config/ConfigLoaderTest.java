package dev.agenttunnel.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path home;

    private Environment env() {
        return new Environment(Map.of("HOME", home.toString()), home);
    }

    @Test
    void aMissingDefaultFileMeansDefaults() throws Exception {
        Settings s = ConfigLoader.load(Optional.empty(), env());
        assertEquals(Backend.HEADLESS, s.tunnel().backend());
        assertEquals(home.toRealPath().resolve(".local/state/agent-tunnel/registry.json"), s.tunnel().registryPath());
        assertEquals(2, s.limits().maxConcurrent());
        assertEquals("dontAsk", s.claude().permissionMode());
        assertTrue(s.claude().persona().contains("{platform}"));
    }

    @Test
    void readsEveryKindOfValueAndAnchorsRelativePathsToTheConfigFolder() throws Exception {
        Path cfgDir = Files.createDirectories(home.resolve("cfg"));
        Path file = cfgDir.resolve("config.toml");
        Files.writeString(file, """
                [tunnel]
                backend = "tmux"
                state_path = "state/state.json"
                registry_path = "~/reg.json"
                [discord]
                channel_ids = [123456789012345678, 1573913459723075589]
                respond_to_dms = true
                [claude]
                headless_extra_args = ["--verbose"]
                allow_skip_permissions = true
                [limits]
                max_concurrent = 5
                answer_timeout_s = 30
                """);
        Settings s = ConfigLoader.load(Optional.of(file.toString()), env());
        assertEquals(Backend.TMUX, s.tunnel().backend());
        assertEquals(cfgDir.toRealPath().resolve("state/state.json"), s.tunnel().statePath());
        assertEquals(home.toRealPath().resolve("reg.json"), s.tunnel().registryPath());
        assertEquals(List.of(123456789012345678L, 1573913459723075589L), s.discord().channelIds(), "19-digit Discord ids survive");
        assertEquals(List.of("--verbose"), s.claude().headlessExtraArgs());
        assertEquals(5, s.limits().maxConcurrent());
        assertEquals(30_000, s.limits().answerTimeout().toMillis());
        assertTrue(s.claude().allowSkipPermissions());
    }

    @Test
    void theRegistryVariableIsUsedWhenTheFileDoesNotSetOne() throws Exception {
        Environment env = env().withVariable("AGENT_TUNNEL_REGISTRY", home.resolve("elsewhere.json").toString());
        assertEquals(home.toRealPath().resolve("elsewhere.json"), ConfigLoader.load(Optional.empty(), env).tunnel().registryPath());
    }

    @Test
    void anUnknownKeyIsAnErrorNamingFileAndKey() throws Exception {
        Path file = home.resolve("c.toml");
        Files.writeString(file, "[limits]\nmax_concurent = 3\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of(file.toString()), env()));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("limits.max_concurent")
                && e.getMessage().contains("max_concurrent"), e.getMessage());
    }

    @Test
    void aWrongTypeIsAnErrorNamingTheExpectedType() throws Exception {
        Path file = home.resolve("c.toml");
        Files.writeString(file, "[discord]\nchannel_ids = [\"123\"]\n[limits]\nmax_concurrent = \"lots\"\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of(file.toString()), env()));
        assertTrue(e.getMessage().contains("'discord.channel_ids' must be a list of whole numbers"), e.getMessage());
        assertTrue(e.getMessage().contains("'limits.max_concurrent' must be a whole number, got the string \"lots\""), e.getMessage());
    }

    @Test
    void anUnknownSectionABadBackendAndBadTomlAreErrors() throws Exception {
        Path file = home.resolve("c.toml");
        Files.writeString(file, "[tunel]\nbackend = \"tmux\"\n");
        assertTrue(assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of(file.toString()), env()))
                .getMessage().contains("unknown section [tunel]"));
        Files.writeString(file, "[tunnel]\nbackend = \"docker\"\n");
        assertTrue(assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of(file.toString()), env()))
                .getMessage().contains("Unknown backend: 'docker'"));
        Files.writeString(file, "[tunnel\nbackend = 1\n");
        assertTrue(assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of(file.toString()), env()))
                .getMessage().contains("is not valid TOML"));
    }

    @Test
    void anExplicitMissingFileIsAnError() {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(Optional.of("nope.toml"), env()));
        assertTrue(e.getMessage().startsWith("Config file not found: " + home.resolve("nope.toml")), e.getMessage());
    }
}
