package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForkPickerTest {
    private static List<Integer> picked(String line, int count) {
        return assertInstanceOf(ForkPicker.Choice.Picked.class, ForkPicker.parse(line, count)).positions();
    }

    @Test
    void numbersRangesAndAllPickZeroBasedPositionsOnceInOrder() {
        assertEquals(List.of(0, 2), picked("3 1", 3));
        assertEquals(List.of(1, 2, 3), picked(" 2-4, 3 ", 5));
        assertEquals(List.of(0, 1, 2), picked("ALL", 3));
        assertEquals(List.of(), picked("  ", 3));
    }

    @Test
    void anythingElseIsExplained() {
        for (String bad : new String[] {"0", "4", "x", "2-1", "1-", "-3", "1-2-3"}) {
            ForkPicker.Choice choice = ForkPicker.parse(bad, 3);
            String message = assertInstanceOf(ForkPicker.Choice.Invalid.class, choice, bad).message();
            assertEquals("'" + bad + "' is not a fork number: use numbers from 1 to 3 (such as 1 3 or 2-4), all, or nothing to cancel.",
                    message);
        }
    }
}
