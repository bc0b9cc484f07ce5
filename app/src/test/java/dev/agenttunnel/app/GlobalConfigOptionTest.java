package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --config} counts before the command's name as after it, for every command; it is never silently ignored. */
class GlobalConfigOptionTest {
    /** Every command that reads the config, with arguments that get it as far as reading it. */
    private static final List<List<String>> COMMANDS = List.of(
            List.of("published"), List.of("status"), List.of("forks"), List.of("revoke", "x"), List.of("rename", "a", "b"),
            List.of("forget", "--all"), List.of("resume", "x"), List.of("ask", "hi", "--handle", "x"), List.of("serve"),
            List.of("watch"));

    TunnelWorld world;
    String missing;

    @BeforeEach
    void open() {
        world = new TunnelWorld();
        missing = world.sandbox.root().resolve("nope.toml").toString();
    }

    @AfterEach
    void close() {
        world.close();
    }

    private TunnelWorld.CliResult before(String config, List<String> command) {
        List<String> args = new ArrayList<>(List.of("--config", config));
        args.addAll(command);
        return world.cli(args.toArray(String[]::new));
    }

    @Test
    void aMissingConfigBeforeTheCommandFailsEveryCommandInsteadOfRunningOnTheDefaults() {
        for (List<String> command : COMMANDS) {
            TunnelWorld.CliResult r = before(missing, command);
            assertEquals(ExitCodes.BAD_FILE, r.code(), command + "\n" + r.describe());
            assertTrue(r.err().contains("Config file not found: " + missing), command + "\n" + r.describe());
        }
        TunnelWorld.CliResult doctor = before(missing, List.of("doctor"));
        assertEquals(ExitCodes.REFUSED, doctor.code(), doctor.describe());
        assertTrue(doctor.out().contains("✗ Config " + missing + " — Config file not found"), doctor.describe());
    }

    @Test
    void theConfigIsReadTheSameBeforeOrAfterTheCommand() throws Exception {
        Files.writeString(world.config, Files.readString(world.config) + "[discord]\nchannel_ids = [4242]\n");
        String config = world.config.toString();
        TunnelWorld.CliResult first = before(config, List.of("doctor"));
        TunnelWorld.CliResult after = world.cli("doctor", "--config", config);
        TunnelWorld.CliResult equalsForm = world.cli("--config=" + config, "doctor");
        for (TunnelWorld.CliResult r : List.of(first, after, equalsForm)) {
            assertTrue(r.out().contains("✓ Config " + config), r.describe());
            assertTrue(r.out().contains("Watched channel(s): [4242]"), r.describe());
        }
        assertEquals(after.out(), first.out());

        Path target = world.sandbox.root().resolve("written/config.toml");
        TunnelWorld.CliResult init = world.cli("--config", target.toString(), "init");
        assertEquals(0, init.code(), init.describe());
        assertTrue(Files.exists(target), "init writes where a leading --config points");
    }

    @Test
    void twoDifferentConfigsAreRefused() {
        TunnelWorld.CliResult r = world.cli("--config", world.config.toString(), "published", "--config", missing);
        assertEquals(ExitCodes.USAGE, r.code(), r.describe());
        assertTrue(r.err().contains("--config is given twice, as " + world.config + " and " + missing), r.describe());
        TunnelWorld.CliResult same = world.cli("--config", world.config.toString(), "published", "--config", world.config.toString());
        assertEquals(0, same.code(), same.describe());
    }

    @Test
    void theVersionOptionWorksAfterTheCommandToo() {
        TunnelWorld.CliResult before = world.cli("--version");
        assertEquals(0, before.code(), before.describe());
        assertTrue(before.out().startsWith("agent-tunnel "), before.describe());
        for (String command : new String[] {"serve", "doctor", "help", "published"}) {
            TunnelWorld.CliResult after = world.cli(command, "--version");
            assertEquals(before.out(), after.out(), command + "\n" + after.describe());
        }
    }

    @Test
    void aCommandThatReadsNoConfigRefusesIt() {
        TunnelWorld.CliResult r = world.cli("--config", world.config.toString(), "hook", "share");
        assertEquals(ExitCodes.USAGE, r.code(), r.describe());
        assertTrue(r.err().contains("`agent-tunnel hook` reads no config file; leave out --config."), r.describe());
        assertFalse(r.out().contains("block"), r.describe());
    }
}
