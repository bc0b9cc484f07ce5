package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor}'s plugin line for what {@code claude plugin list --json} can report, with a fake {@code claude} first
 * on PATH that prints a prepared list (the real claude's answers are checked in {@link InstallIT}).
 */
class DoctorPluginCheckTest {
    TunnelWorld world;
    Path listing;

    @BeforeEach
    void open() throws Exception {
        world = new TunnelWorld();
        listing = world.sandbox.root().resolve("plugin-list.json");
        Path fake = world.bin.resolve("claude");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                if [[ $1 == --version ]]; then echo "2.1.332 (Claude Code)"; exit 0; fi
                if [[ "$*" == "plugin list --json" ]]; then cat '%s'; exit 0; fi
                exit 9
                """.formatted(listing));
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(world.config, Files.readString(world.config).replace("binary = \"" + world.sandbox.claudeBinary() + "\"",
                "binary = \"claude\""));
    }

    @AfterEach
    void close() {
        world.close();
    }

    private String pluginLine(String json) throws Exception {
        Files.writeString(listing, json);
        String out = world.cli("doctor").out();
        return out.lines().filter(l -> l.contains("Claude Code plugin") || l.contains("Note:")).reduce("", (a, b) -> a + b + "\n");
    }

    private Path pluginFolder(Path root) throws Exception {
        Path folder = Files.createDirectories(root.resolve("hooks/plugin/hooks"));
        Files.writeString(folder.resolve("hooks.json"), "{}");
        Files.writeString(folder.resolve("share-hook.sh"), "");
        return folder.getParent();
    }

    @Test
    void aPluginThatIsNotInstalledOrDisabledIsAFailureWithItsRepair() throws Exception {
        String missing = pluginLine("[{\"id\": \"other@market\", \"enabled\": true}]");
        assertTrue(missing.startsWith("  ✗ Claude Code plugin agent-tunnel (the >share hook) — claude has no such plugin installed")
                && missing.contains("run ./install"), missing);

        String disabled = pluginLine("[{\"id\": \"agent-tunnel@agent-tunnel\", \"enabled\": false}]");
        assertTrue(disabled.contains("✗ Claude Code plugin agent-tunnel@agent-tunnel (the >share hook) is disabled — claude plugin "
                + "enable agent-tunnel@agent-tunnel"), disabled);
    }

    @Test
    void aPluginWhoseFolderLacksTheHookIsAFailure() throws Exception {
        Path empty = world.sandbox.newDirectory("empty-plugin");
        String line = pluginLine("[{\"id\": \"agent-tunnel@agent-tunnel\", \"enabled\": true, \"readFromFolder\": \"" + empty + "\"}]");
        assertTrue(line.contains("✗ Claude Code plugin agent-tunnel@agent-tunnel (the >share hook): its hook is missing from " + empty),
                line);
    }

    @Test
    void aPluginReadFromAGitCheckoutLoadsButIsNoted() throws Exception {
        Path clone = world.sandbox.newDirectory("clone");
        Files.createDirectories(clone.resolve(".git"));
        Path folder = pluginFolder(clone);
        String line = pluginLine("[{\"id\": \"agent-tunnel@agent-tunnel\", \"enabled\": true, \"readFromFolder\": \"" + folder + "\"}]");
        assertTrue(line.contains("✓ Claude Code plugin agent-tunnel@agent-tunnel (the >share hook): claude loads it from " + folder), line);
        assertTrue(line.contains("Note: the plugin is read from the git checkout " + clone + ": moving or deleting it breaks >share"), line);
    }
}
