package dev.agenttunnel.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aTempNameTakenByAPlantedSymlinkIsSkippedAndItsTargetKept() throws Exception {
        Path target = dir.resolve("registry.json");
        Path victim = Files.writeString(dir.resolve("bashrc"), "export KEEP=1\n");
        Path planted = Files.createSymbolicLink(AtomicFiles.tempName(target, new Random(7)), victim);

        AtomicFiles.replace(target, utf8("{}\n"), Optional.empty(), new Random(7));

        assertEquals("{}\n", Files.readString(target));
        assertEquals("export KEEP=1\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(planted), "the planted link is not ours to touch");
        assertEquals(Stream.of("bashrc", planted.getFileName().toString(), "registry.json").sorted().toList(), names(dir),
                "no temp file left");
    }

    @Test
    void aDanglingSymlinkAtTheTempNameIsNotFollowedToCreateItsTarget() throws Exception {
        Path target = dir.resolve("state.json");
        Path elsewhere = dir.resolve("elsewhere");
        Files.createSymbolicLink(AtomicFiles.tempName(target, new Random(1)), elsewhere);

        AtomicFiles.replace(target, utf8("{}\n"), Optional.empty(), new Random(1));

        assertEquals("{}\n", Files.readString(target));
        assertTrue(Files.notExists(elsewhere, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void givesUpWithAClearMessageWhenEveryTempNameIsTaken() throws Exception {
        Path target = dir.resolve("registry.json");
        Random names = new Random(3);
        for (int i = 0; i < 64; i++) {
            Files.createFile(AtomicFiles.tempName(target, names));
        }

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.replace(target, utf8("{}"), Optional.empty(), new Random(3)));

        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("registry.json.*.tmp"), e.getMessage());
        assertTrue(Files.notExists(target));
    }

    @Test
    void anExistingFileKeepsItsPermissionsAndANewOneGetsTheGivenOnes() throws Exception {
        Path existing = Files.writeString(dir.resolve("registry.json"), "{}");
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.replace(existing, utf8("{\"a\": 1}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));

        Path fresh = dir.resolve("sub/.claude.json");
        AtomicFiles.replace(fresh, utf8("{}"), PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }

    @Test
    void aFailedRenameLeavesNoTempFileBehind() throws Exception {
        Path target = Files.createDirectories(dir.resolve("registry.json"));
        Files.writeString(target.resolve("inside"), "x");

        assertThrows(IOException.class, () -> AtomicFiles.replace(target, utf8("{}")));

        assertEquals(List.of("registry.json"), names(dir));
    }

    @Test
    void aSymlinkedTargetIsWrittenThroughAndStaysALink() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path real = Files.writeString(dotfiles.resolve("registry.json"), "{}");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path state = Files.createDirectories(dir.resolve("state"));
        Path hop = Files.createSymbolicLink(state.resolve("hop"), Path.of("../dotfiles/registry.json"));
        Path link = Files.createSymbolicLink(state.resolve("registry.json"), hop);

        AtomicFiles.replace(link, utf8("{\"a\": 1}"));

        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(hop), "both links are kept");
        assertEquals("{\"a\": 1}", Files.readString(real));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
        assertEquals(List.of("registry.json"), names(dotfiles), "the temp file went beside the target and is gone");
        assertEquals(List.of("hop", "registry.json"), names(state));
    }

    @Test
    void aDanglingSymlinkedTargetIsCreatedWhereTheLinkPoints() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path link = Files.createSymbolicLink(dir.resolve("state.json"), dotfiles.resolve("state.json"));

        AtomicFiles.replace(link, utf8("{}"));

        assertTrue(Files.isSymbolicLink(link));
        assertEquals("{}", Files.readString(dotfiles.resolve("state.json")));
    }

    @Test
    void aSymlinkLoopFailsWithoutWritingAnything() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.replace(a, utf8("{}")));

        assertTrue(e.getMessage().contains("too many levels of symbolic links"), e.getMessage());
        assertEquals(List.of("a.json", "b.json"), names(dir));
    }
}
