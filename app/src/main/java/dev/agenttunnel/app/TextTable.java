package dev.agenttunnel.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table whose columns line up in a terminal: widths count what a terminal draws, so emoji and
 * wide (CJK) characters take two cells and variation selectors none.
 */
final class TextTable {
    private static final String GAP = "  ";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    TextTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("a row needs " + header.size() + " cells, not " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (List<String> line : all()) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], width(line.get(i)));
            }
        }
        printLine(out, header, widths);
        List<String> rules = new ArrayList<>();
        for (int width : widths) {
            rules.add("─".repeat(width));
        }
        printLine(out, rules, widths);
        rows.forEach(row -> printLine(out, row, widths));
    }

    private List<List<String>> all() {
        List<List<String>> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }

    private static void printLine(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - width(cell))).append(GAP);
            }
        }
        out.println(line.toString().stripTrailing());
    }

    /** Terminal cells taken by {@code s}. */
    static int width(String s) {
        int width = 0;
        int[] points = s.codePoints().toArray();
        for (int i = 0; i < points.length; i++) {
            boolean emojiPresentation = i + 1 < points.length && points[i + 1] == 0xFE0F;
            width += cells(points[i], emojiPresentation);
        }
        return width;
    }

    private static int cells(int cp, boolean emojiPresentation) {
        int type = Character.getType(cp);
        if (cp == 0xFE0F || cp == 0x200D || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.FORMAT) {
            return 0;
        }
        if (emojiPresentation || isWide(cp)) {
            return 2;
        }
        return 1;
    }

    private static boolean isWide(int cp) {
        return (cp >= 0x1F300 && cp <= 0x1FAFF)
                || (cp >= 0x1100 && cp <= 0x115F)
                || (cp >= 0x2E80 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x20000 && cp <= 0x3FFFD);
    }
}
