package dev.agenttunnel.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads which of {@code count} numbered forks the person picked, from one line typed at the terminal: numbers
 * separated by spaces or commas, ranges such as {@code 2-4}, or {@code all}. A pure function, so the picker's rules are
 * tested without a terminal.
 */
final class ForkPicker {
    private ForkPicker() {
    }

    /** A line's meaning: the picked positions (0-based, ascending), or what was wrong with it. */
    sealed interface Choice {
        record Picked(List<Integer> positions) implements Choice {
        }

        record Invalid(String message) implements Choice {
        }
    }

    static Choice parse(String line, int count) {
        String text = line.strip();
        if (text.equalsIgnoreCase("all")) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                all.add(i);
            }
            return new Choice.Picked(all);
        }
        TreeSet<Integer> picked = new TreeSet<>();
        for (String token : text.split("[\\s,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            Optional<int[]> range = range(token);
            if (range.isEmpty() || range.get()[0] < 1 || range.get()[1] > count || range.get()[0] > range.get()[1]) {
                return new Choice.Invalid("'" + token + "' is not a fork number: use numbers from 1 to " + count
                        + " (such as 1 3 or 2-4), all, or nothing to cancel.");
            }
            for (int n = range.get()[0]; n <= range.get()[1]; n++) {
                picked.add(n - 1);
            }
        }
        return new Choice.Picked(List.copyOf(picked));
    }

    private static Optional<int[]> range(String token) {
        String[] ends = token.split("-", -1);
        try {
            if (ends.length == 1) {
                int n = Integer.parseInt(ends[0]);
                return Optional.of(new int[] {n, n});
            }
            if (ends.length == 2) {
                return Optional.of(new int[] {Integer.parseInt(ends[0]), Integer.parseInt(ends[1])});
            }
        } catch (NumberFormatException e) {
            // not a number
        }
        return Optional.empty();
    }
}
