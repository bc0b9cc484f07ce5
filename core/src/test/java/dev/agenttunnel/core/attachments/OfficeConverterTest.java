package dev.agenttunnel.core.attachments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.AttachmentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converters for real: LibreOffice and pandoc must be installed (.ci/run installs both from Debian). */
class OfficeConverterTest {
    @TempDir
    Path root;

    private Environment env(String path) {
        Map<String, String> vars = new HashMap<>(System.getenv());
        vars.put("PATH", path);
        vars.put("HOME", root.resolve("home").toString());
        return new Environment(vars, root);
    }

    /** A real Word document, made by pandoc from Markdown. */
    private Path docx() throws Exception {
        Path md = Files.writeString(root.resolve("plan.md"), "Plan DOCX-MARK-7\n");
        Path docx = root.resolve("plan.docx");
        if (!Files.exists(docx)) {
            Process p = new ProcessBuilder(onPath("pandoc").toString(), md.toString(), "-o", docx.toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
        }
        return docx;
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        throw new AssertionError(tool + " is not installed (Debian: apt-get install libreoffice-writer-nogui pandoc)");
    }

    /** A folder holding only links to {@code tools}: a PATH on which nothing else is found. */
    private String pathWith(String... tools) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin-" + String.join("-", tools)));
        for (String tool : tools) {
            Files.createSymbolicLink(bin.resolve(tool), onPath(tool));
        }
        return bin.toString();
    }

    @Test
    void libreOfficeMakesAPdf() throws Exception {
        OfficeConverter converter = new OfficeConverter(new AttachmentSettings("auto", ""), env(pathWith("soffice", "pandoc") + ":/usr/bin:/bin"));
        assertTrue(converter.describe().startsWith("LibreOffice → PDF"), converter.describe());
        Optional<OfficeConverter.Converted> out = converter.convert(docx(), root.resolve("converted/plan-docx"));
        assertEquals("libreoffice→pdf", out.orElseThrow().label());
        assertEquals(root.resolve("converted/plan-docx/plan.pdf"), out.get().file());
        assertTrue(Files.readString(out.get().file(), java.nio.charset.StandardCharsets.ISO_8859_1).startsWith("%PDF"));
    }

    @Test
    void withoutLibreOfficePandocMakesMarkdown() throws Exception {
        OfficeConverter converter = new OfficeConverter(new AttachmentSettings("auto", ""), env(pathWith("pandoc")));
        assertTrue(converter.describe().startsWith("pandoc → Markdown"), converter.describe());
        OfficeConverter.Converted out = converter.convert(docx(), root.resolve("converted/plan-docx")).orElseThrow();
        assertEquals("pandoc→md", out.label());
        assertTrue(Files.readString(out.file()).contains("Plan DOCX-MARK-7"));
        assertTrue(converter.convert(Files.write(root.resolve("deck.pptx"), new byte[] {1}), root.resolve("converted/deck")).isEmpty(),
                "pandoc does not read slides");
    }

    @Test
    void noConverterOffAndACustomCommand() throws Exception {
        OfficeConverter none = new OfficeConverter(new AttachmentSettings("auto", ""), env(root.resolve("empty").toString()));
        assertTrue(none.describe().startsWith("none"), none.describe());
        assertTrue(none.convert(docx(), root.resolve("c1")).isEmpty());
        assertEquals("no converter is available", none.whyNot());

        OfficeConverter off = new OfficeConverter(new AttachmentSettings("off", ""), env("/usr/bin:/bin"));
        assertEquals("off (config)", off.describe());
        assertTrue(off.convert(docx(), root.resolve("c2")).isEmpty());

        OfficeConverter custom = new OfficeConverter(new AttachmentSettings("auto", "cp {input} {outdir}/copy-of-it.txt"), env("/usr/bin:/bin"));
        OfficeConverter.Converted out = custom.convert(docx(), root.resolve("c 3")).orElseThrow();
        assertEquals("custom", out.label());
        assertEquals(root.resolve("c 3/copy-of-it.txt"), out.file());
        assertTrue(new OfficeConverter(new AttachmentSettings("auto", "false"), env("/usr/bin:/bin")).convert(docx(), root.resolve("c4")).isEmpty());
    }
}
