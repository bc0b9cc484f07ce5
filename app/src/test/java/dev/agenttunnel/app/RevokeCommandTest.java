package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RevokeCommandTest {
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
    void revokesTheRecordUnderTheKeyEvenWhenItsHandleFieldDiffers() throws Exception {
        Files.createDirectories(world.registryPath.getParent());
        Files.writeString(world.registryPath, """
                {"records": {"payments": {"handle": "billing", "session_id": "11111111-2222", "cwd": "/w/p",
                 "access": "read", "label": "", "created_at": 1737000000.5, "revoked": false}}}
                """);

        TunnelWorld.CliResult r = world.cli("revoke", "payments");

        assertEquals(ExitCodes.OK, r.code(), r.describe());
        assertTrue(world.registry().get("payments").isEmpty(), "the handle no longer resolves");
        assertEquals(Set.of("payments"), world.registry().all().keySet(), "no second record was created");
        TunnelWorld.CliResult published = world.cli("published");
        assertFalse(published.out().contains("payments") || published.out().contains("billing"), published.describe());
    }

    @Test
    void anOversizedRegistryExitsThreeNamingTheFileItsSizeAndTheCap() throws Exception {
        Files.createDirectories(world.registryPath.getParent());
        try (var raf = new RandomAccessFile(world.registryPath.toFile(), "rw")) {
            raf.setLength(43L << 20); // sparse: costs no disk
        }
        for (String[] command : new String[][] {{"published"}, {"revoke", "x"}}) {
            TunnelWorld.CliResult r = world.cli(command);
            assertEquals(ExitCodes.BAD_FILE, r.code(), r.describe());
            assertTrue(r.err().contains(world.registryPath.toString()) && r.err().contains("(43 MiB)")
                    && r.err().contains("more than the 4 MiB"), r.describe());
        }
        assertEquals(43L << 20, Files.size(world.registryPath), "left as it was");
    }
}
