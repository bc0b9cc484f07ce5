package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.testkit.ProcessResult;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code >share} typed into a real claude session, with our plugin loaded the two ways a user loads it. */
class ShareInRealSessionTest {
    TunnelWorld world;
    Path project;
    String session;

    @BeforeEach
    void createSession() {
        world = new TunnelWorld();
        project = world.project("payments-service");
        session = world.newSession(project, "Remember this: the settlement batch runs at 02:15 UTC.");
    }

    @AfterEach
    void close() {
        world.close();
    }

    private ProcessResult type(String prompt, String... pluginArgs) {
        String[] args = new String[pluginArgs.length + 6];
        args[0] = "-p";
        args[1] = "--resume";
        args[2] = session;
        System.arraycopy(pluginArgs, 0, args, 3, pluginArgs.length);
        args[3 + pluginArgs.length] = "--output-format";
        args[4 + pluginArgs.length] = "json";
        args[5 + pluginArgs.length] = prompt;
        return world.claude(project, args);
    }

    @Test
    void shareWithThePluginDirPublishesTheSessionWithoutAskingTheModel() throws Exception {
        int before = world.api.messageRequests().size();
        ProcessResult shared = type(">share payments", "--plugin-dir", TunnelWorld.PLUGIN.toString());
        assertTrue(shared.stdout().contains("payments"), shared.describe());
        assertTrue(shared.stdout().contains("Sharing this session as"), shared.describe());
        assertEquals(before, world.api.messageRequests().size(), "the >share prompt must not reach the model");

        RegistryRecord record = world.registry().get("payments").orElseThrow();
        assertEquals(session, record.sessionId());
        assertEquals(project.toString(), record.cwd());
        assertEquals(world.sandbox.configDir().toString(), record.configDir());

        ProcessResult status = type(">share status", "--plugin-dir", TunnelWorld.PLUGIN.toString());
        assertTrue(status.stdout().contains("shared as handle: `payments`"), status.describe());
        ProcessResult off = type(">share off", "--plugin-dir", TunnelWorld.PLUGIN.toString());
        assertTrue(off.stdout().contains("`payments` revoked"), off.describe());
        assertTrue(world.registry().get("payments").isEmpty());
        assertTrue(world.registry().all().get("payments").revoked());
        assertEquals(before, world.api.messageRequests().size(), "no >share variant reaches the model");
    }

    @Test
    void shareThroughTheInstalledPluginPublishesTheSession() throws Exception {
        ProcessResult added = world.claude(project, "plugin", "marketplace", "add", TunnelWorld.REPO.toString());
        assertEquals(0, added.exitCode(), added.describe());
        ProcessResult installed = world.claude(project, "plugin", "install", "agent-tunnel@agent-tunnel");
        assertEquals(0, installed.exitCode(), installed.describe());

        int before = world.api.messageRequests().size();
        ProcessResult shared = type(">share --write ops");
        assertTrue(shared.stdout().contains("Sharing this session as"), shared.describe());
        assertEquals(before, world.api.messageRequests().size());
        RegistryRecord record = world.registry().get("ops").orElseThrow();
        assertEquals(session, record.sessionId());
        assertEquals("write", record.access().wire());
    }

    @Test
    void withoutTheToolInstalledShareSaysHowToInstall() throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(world.env());
        env.put("PATH", "/usr/bin:/bin");
        ProcessResult r = world.sandbox.run(java.util.List.of("-p", "--resume", session, "--plugin-dir", TunnelWorld.PLUGIN.toString(),
                "--output-format", "json", ">share payments"), project, null, java.time.Duration.ofSeconds(90), env);
        assertTrue(r.stdout().contains("agent-tunnel is not installed"), r.describe());
        assertTrue(world.registry().get("payments").isEmpty());
    }
}
