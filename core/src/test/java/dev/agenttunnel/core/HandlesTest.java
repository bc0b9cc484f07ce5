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
    void aNearMissOfALiveHandleIsTakenForATypoButOrdinaryWordsAreNot() {
        java.util.List<String> live = java.util.List.of("payments", "ops", "ledger", "3dd5d0");
        assertEquals(Optional.of("payments"), Handles.closest("paymnets", live), "two letters swapped");
        assertEquals(Optional.of("payments"), Handles.closest("Payment", live), "one letter short");
        assertEquals(Optional.of("payments"), Handles.closest("paymants", live));
        assertEquals(Optional.of("ledger"), Handles.closest("ledgr", live));
        assertEquals(Optional.of("3dd5d0"), Handles.closest("3dd5d1", live));
        for (String chatter : new String[] {"oops", "top", "lunch", "did", "leader", "pay", "payroll-team"}) {
            assertEquals(Optional.empty(), Handles.closest(chatter, live), chatter);
        }
        assertEquals(Optional.empty(), Handles.closest("payments", live), "a live handle is no typo");
        assertEquals(Optional.empty(), Handles.closest("paymnets", java.util.List.of()));
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
