package dev.agenttunnel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandlesTest {
    @Test
    void sanitisesLabelsAsTheReferenceDoes() {
        assertEquals(Optional.of("payments-auth"), Handles.sanitise("Payments Auth!"));
        assertEquals(Optional.of("foo-bar"), Handles.sanitise("  --Foo__Bar-- "));
        assertEquals(Optional.of("caf-stra-e"), Handles.sanitise("Café Straße"));
        assertEquals(Optional.of("i-stanbul"), Handles.sanitise("İstanbul"));
        assertEquals(Optional.of("a".repeat(32)), Handles.sanitise("A".repeat(40)));
    }

    @Test
    void rejectsLabelsWithNothingValidLeft() {
        assertTrue(Handles.sanitise("!!!").isEmpty());
        assertTrue(Handles.sanitise("a").isEmpty());
        assertTrue(Handles.sanitise("платежи").isEmpty());
        assertTrue(Handles.sanitise("😀😀").isEmpty());
    }

    @Test
    void derivesSixCharactersFromTheSessionId() {
        assertEquals("111111", Handles.derive("11111111-2222-3333-4444-555555555555"));
        assertEquals("session", Handles.derive("---"));
        assertEquals("ab", Handles.derive("a-b"));
    }

    @Test
    void expandsTildeFromHomeNotUserHome() {
        Environment env = new Environment(java.util.Map.of("HOME", "/sandbox/home"), java.nio.file.Path.of("/work"));
        assertEquals(java.nio.file.Path.of("/sandbox/home/.x"), env.resolve("~/.x"));
        assertEquals(java.nio.file.Path.of("/work/rel"), env.resolve("rel"));
    }
}
