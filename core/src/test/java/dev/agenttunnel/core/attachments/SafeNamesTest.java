package dev.agenttunnel.core.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SafeNamesTest {
    @Test
    void pathsDotsAndOddCharactersNeverSurvive() {
        assertEquals("passwd", SafeNames.of("../../etc/passwd"));
        assertEquals("evil.txt", SafeNames.of("../../evil.txt"));
        assertEquals("settings.json", SafeNames.of(".claude/settings.json"));
        assertEquals("evil.bat", SafeNames.of("..\\..\\evil.bat"));
        assertEquals("my_file_1.csv", SafeNames.of("my file (1).csv"));
        assertEquals("file", SafeNames.of(".."));
        assertEquals("file", SafeNames.of(""));
        assertEquals("r_sum.pdf", SafeNames.of("résumé.pdf"));
        assertEquals("file.env", SafeNames.of(".env"));
        assertEquals("a_b.txt", SafeNames.of("a\nb\u0000.txt"));
        assertEquals("rf.txt", SafeNames.of("-rf.txt"), "no name reads as an option");
    }

    @Test
    void theExtensionIsKeptEvenWhenNothingElseIs() {
        assertEquals("file.pdf", SafeNames.of("___.pdf"));
        assertEquals("report.tar.gz", SafeNames.of("report.tar.gz"));
    }

    @Test
    void longNamesAreCutKeepingTheExtension() {
        String name = SafeNames.of("x".repeat(300) + ".csv");
        assertEquals(SafeNames.MAX_LENGTH, name.length());
        assertTrue(name.endsWith("x.csv"));
        assertEquals(SafeNames.MAX_LENGTH, SafeNames.of("y".repeat(300)).length());
    }

    @Test
    void duplicatesGetANumberBeforeTheFirstDot() {
        assertEquals("report.pdf", SafeNames.unique("report.pdf", List.of()));
        assertEquals("report-2.pdf", SafeNames.unique("report.pdf", List.of("report.pdf")));
        assertEquals("report-3.pdf", SafeNames.unique("report.pdf", List.of("report.pdf", "report-2.pdf")));
        assertEquals("a-2.tar.gz", SafeNames.unique("a.tar.gz", List.of("a.tar.gz")));
        assertEquals("notes-2", SafeNames.unique("notes", List.of("notes")));
        String longName = SafeNames.of("z".repeat(300) + ".csv");
        String second = SafeNames.unique(longName, List.of(longName));
        assertTrue(second.length() <= SafeNames.MAX_LENGTH && second.endsWith("-2.csv"), second);
    }
}
