package dev.agenttunnel.core.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Registry#rename}: the reference's rules, each refusal leaving the file byte-identical. */
class RegistryRenameTest {
    @TempDir
    Path dir;
    Path file;
    Registry registry;

    @BeforeEach
    void seed() throws Exception {
        file = dir.resolve("registry.json");
        Files.writeString(file, RegistryTest.PYTHON_REGISTRY);
        registry = new Registry(file);
    }

    @Test
    void movesTheRecordAndItsLabelWhenTheLabelWasTheHandle() throws Exception {
        RegistryRecord before = registry.get("payments").orElseThrow();

        RenameResult.Renamed renamed = assertInstanceOf(RenameResult.Renamed.class, registry.rename(" Payments ", "BILLING"));

        assertEquals("payments", renamed.from().handle());
        assertEquals("billing", renamed.to().handle());
        assertTrue(registry.all().get("payments") == null, "the old key is gone, not revoked");
        RegistryRecord after = registry.get("billing").orElseThrow();
        assertEquals("billing", after.label());
        assertEquals(before.sessionId(), after.sessionId());
        assertEquals(before.createdAt(), after.createdAt());
        assertEquals(before.configDir(), after.configDir());
        assertEquals(AccessLevel.READ, after.access());
        assertTrue(registry.get("ops").isPresent(), "other records are kept");
    }

    @Test
    void keepsACustomLabel() throws Exception {
        assertInstanceOf(RenameResult.Renamed.class, registry.rename("ops", "platform"));
        assertEquals("Ops team", registry.get("platform").orElseThrow().label());
    }

    @Test
    void sanitisesTheNewHandleAsTheShareHookDoes() throws Exception {
        RenameResult.Renamed renamed = assertInstanceOf(RenameResult.Renamed.class, registry.rename("payments", " Bad_Name! "));
        assertEquals("bad-name", renamed.to().handle());
        assertEquals(java.util.Optional.of("bad-name"), dev.agenttunnel.core.Handles.sanitise("Bad_Name!"), "the hook's rule");
        assertInstanceOf(RenameResult.Renamed.class, registry.rename("bad-name", "A".repeat(40)));
        assertTrue(registry.get("a".repeat(32)).isPresent());
    }

    @Test
    void refusesANewHandleOfWhichNothingValidRemains() throws Exception {
        for (String bad : new String[] {"x", "!!!", "-", "платежи"}) {
            RenameResult.Refused refused = refusal(registry.rename("payments", bad));
            assertEquals(RenameResult.Reason.INVALID_HANDLE, refused.reason(), bad);
            assertTrue(refused.message().startsWith("Invalid handle '"), refused.message());
            assertTrue(refused.message().contains("2–32 characters"), "explains the rule: " + refused.message());
        }
    }

    @Test
    void refusesRenamingToTheSameHandle() throws Exception {
        assertEquals(RenameResult.Reason.SAME_HANDLE, refusal(registry.rename("payments", " PAYMENTS")).reason());
    }

    @Test
    void refusesAMissingOrRevokedOldHandle() throws Exception {
        RenameResult.Refused missing = refusal(registry.rename("ghost", "spirit"));
        assertEquals(RenameResult.Reason.NOT_FOUND, missing.reason());
        assertEquals("No handle 'ghost' in the registry.", missing.message());
        assertEquals(RenameResult.Reason.NOT_FOUND, refusal(registry.rename("old", "older")).reason());
    }

    @Test
    void refusesANewHandleLiveForAnotherSession() throws Exception {
        RenameResult.Refused taken = refusal(registry.rename("payments", "ops"));
        assertEquals(RenameResult.Reason.ALREADY_USED, taken.reason());
        assertTrue(taken.message().contains("already used"), taken.message());
    }

    @Test
    void overwritesARevokedRecordOfAnotherSession() throws Exception {
        assertInstanceOf(RenameResult.Renamed.class, registry.rename("payments", "old"));
        RegistryRecord reclaimed = registry.get("old").orElseThrow();
        assertEquals("11111111-2222-3333-4444-555555555555", reclaimed.sessionId());
        assertFalse(reclaimed.revoked());
    }

    @Test
    void overwritesALiveRecordOfTheSameSession() throws Exception {
        RegistryRecord ops = registry.get("ops").orElseThrow();
        registry.update(root -> {
            RegistryJson.put(root, new RegistryRecord("ops-2", ops.sessionId(), "/elsewhere", "", AccessLevel.WRITE, "",
                    "", 1.0, false));
            return null;
        });
        assertInstanceOf(RenameResult.Renamed.class, registry.rename("ops", "ops-2"));
        assertEquals("/srv/ops", registry.get("ops-2").orElseThrow().cwd());
        assertTrue(registry.get("ops").isEmpty());
    }

    /** The refusal in {@code result}; the file must still be exactly as seeded. */
    private RenameResult.Refused refusal(RenameResult result) throws Exception {
        RenameResult.Refused refused = assertInstanceOf(RenameResult.Refused.class, result);
        assertEquals(RegistryTest.PYTHON_REGISTRY, Files.readString(file), "a refusal changes nothing");
        return refused;
    }
}
