package dev.agenttunnel.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The table the benchmarks print: one row per scenario with its count, p50, p99, lost count and target. */
final class BenchTable {
    private final List<String> rows = new ArrayList<>();
    private final int upper;

    /** p50 and p99. */
    BenchTable() {
        this(99);
    }

    /** p50 and the {@code upper} percentile. */
    BenchTable(int upper) {
        this.upper = upper;
    }

    void add(String scenario, List<Double> millis, int lost, String target) {
        rows.add(String.format("| %-42s | %4d | %8.2f | %8.2f | %4d | %-22s |", scenario, millis.size(), percentile(millis, 50),
                percentile(millis, upper), lost, target));
    }

    void print() {
        System.out.println("| scenario                                   |    n |   p50 ms |   p" + upper + " ms | lost | target                 |");
        System.out.println("|--------------------------------------------|------|----------|----------|------|------------------------|");
        rows.forEach(System.out::println);
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
