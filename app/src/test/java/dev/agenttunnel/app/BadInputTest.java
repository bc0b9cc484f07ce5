package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear message, a non-zero exit, and changes nothing. */
class BadInputTest {
    TunnelWorld world;

    @BeforeEach
    void open() {
        world = new TunnelWorld();
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void aMalformedConfigNamesTheFileAndKey() throws Exception {
        Files.writeString(world.config, Files.readString(world.config) + "[limits]\nmax_concurrent = \"two\"\n");
        for (String command : new String[] {"published", "doctor"}) {
            TunnelWorld.CliResult r = world.cli(command);
            assertTrue(r.code() != 0, r.describe());
            assertTrue((r.out() + r.err()).contains(world.config.toString()), r.describe());
        }
        Files.writeString(world.config, "[tunnel]\nbackend = \"headless\"\nstate_pth = \"x\"\n");
        TunnelWorld.CliResult r = world.cli("ask", "hi", "--handle", "x");
        assertEquals(ExitCodes.BAD_FILE, r.code(), r.describe());
        assertTrue(r.err().contains("unknown key 'tunnel.state_pth'"), r.describe());
    }

    @Test
    void aMissingConfigGivenExplicitlyIsAnError() {
        TunnelWorld.CliResult r = world.cli("published", "--config", world.sandbox.root().resolve("nope.toml").toString());
        assertEquals(ExitCodes.BAD_FILE, r.code(), r.describe());
        assertTrue(r.err().contains("Config file not found"), r.describe());
    }

    @Test
    void aCorruptRegistryIsReportedAndLeftAsItWas() throws Exception {
        Files.createDirectories(world.registryPath.getParent());
        Files.writeString(world.registryPath, "{\"records\": {\"x\": ");
        byte[] before = Files.readAllBytes(world.registryPath);
        for (String[] command : new String[][] {{"published"}, {"revoke", "x"}, {"ask", "hi", "--handle", "x"}}) {
            TunnelWorld.CliResult r = world.cli(command);
            assertEquals(ExitCodes.BAD_FILE, r.code(), r.describe());
            assertTrue(r.err().contains(world.registryPath + " is not valid agent-tunnel JSON"), r.describe());
        }
        assertArrayEquals(before, Files.readAllBytes(world.registryPath));
    }

    @Test
    void revokingAnUnknownHandleFails() {
        TunnelWorld.CliResult r = world.cli("revoke", "ghost");
        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("No handle 'ghost'"), r.describe());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(ExitCodes.USAGE, world.cli("ask").code());
        assertEquals(ExitCodes.USAGE, world.cli("frobnicate").code());
        TunnelWorld.CliResult r = world.cli("ask", "hi");
        assertEquals(ExitCodes.USAGE, r.code(), r.describe());
        assertTrue(r.err().contains("--handle is needed"), r.describe());
    }

    @Test
    void initWritesASampleThatLoadsAsTheDefaultsAndDoesNotOverwrite() throws Exception {
        Path target = world.sandbox.root().resolve("fresh/config.toml");
        TunnelWorld.CliResult r = world.cli("init", "--path", target.toString());
        assertEquals(0, r.code(), r.describe());
        assertEquals(0, world.cli("published", "--config", target.toString()).code());
        var defaults = dev.agenttunnel.core.config.ConfigLoader.load(java.util.Optional.empty(), world.environment(world.sandbox.root()));
        var sample = dev.agenttunnel.core.config.ConfigLoader.load(java.util.Optional.of(target.toString()), world.environment(world.sandbox.root()));
        assertEquals(defaults.tunnel(), sample.tunnel());
        assertEquals(defaults.claude(), sample.claude());
        assertEquals(defaults.limits(), sample.limits());
        assertEquals(defaults.discord(), sample.discord());
        TunnelWorld.CliResult again = world.cli("init", "--path", target.toString());
        assertEquals(ExitCodes.REFUSED, again.code());
        assertTrue(again.err().contains("exists — use --force"), again.describe());
    }

    @Test
    void helpListsEveryCommand() {
        TunnelWorld.CliResult r = world.cli("help");
        assertEquals(0, r.code(), r.describe());
        for (String command : new String[] {"ask", "published", "status", "forks", "resume", "rename", "revoke", "forget", "watch", "init", "doctor"}) {
            assertTrue(r.out().contains("Usage: agent-tunnel " + command), command + " missing\n" + r.out());
        }
    }
}
