package dev.agenttunnel.core.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.files.CorruptFileException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
    @TempDir
    Path dir;

    /** Written the way the Python hook writes it (json.dump, indent 2), with its quirks: null access, no config dir. */
    static final String PYTHON_REGISTRY = """
            {
              "records": {
                "payments": {
                  "handle": "payments",
                  "session_id": "11111111-2222-3333-4444-555555555555",
                  "cwd": "/home/u/payments",
                  "config_dir": "",
                  "access": null,
                  "label": "payments",
                  "transcript_path": "/home/u/.claude-work/projects/-home-u-payments/11111111-2222-3333-4444-555555555555.jsonl",
                  "created_at": 1737000000.123456,
                  "revoked": false,
                  "future_field": {"kept": "ignored"}
                },
                "ops": {
                  "handle": "ops",
                  "session_id": "22222222-0000-0000-0000-000000000000",
                  "cwd": "/srv/ops",
                  "config_dir": "/home/u/.claude",
                  "access": "bash",
                  "label": "Ops team",
                  "transcript_path": "",
                  "created_at": 1737000100.5,
                  "revoked": false
                },
                "old": {
                  "handle": "old",
                  "session_id": "33333333-0000-0000-0000-000000000000",
                  "cwd": "/srv/old",
                  "config_dir": "",
                  "access": "write",
                  "label": "",
                  "transcript_path": "",
                  "created_at": 1736000000.0,
                  "revoked": true
                },
                "broken": "not a record"
              }
            }
            """;

    @Test
    void readsARegistryWrittenByThePythonToolAsIs() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, PYTHON_REGISTRY);
        Registry registry = new Registry(file);

        RegistryRecord payments = registry.get("  PAYMENTS ").orElseThrow();
        assertEquals(AccessLevel.READ, payments.access());
        assertEquals("/home/u/.claude-work", payments.configDir());
        assertEquals(1737000000.123456, payments.createdAt());
        assertEquals(List.of("ops", "payments"), registry.active().stream().map(RegistryRecord::handle).toList());
        assertTrue(registry.get("old").isEmpty(), "revoked handles are not live");
        assertEquals(3, registry.all().size(), "the unbuildable record is skipped");
    }

    @Test
    void revokeKeepsOtherRecordsAndTimestampsExact() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, PYTHON_REGISTRY);
        Registry registry = new Registry(file);

        assertEquals(Registry.RevokeResult.REVOKED, registry.revoke("ops"));
        assertEquals(Registry.RevokeResult.ALREADY_REVOKED, registry.revoke("ops"));
        assertEquals(Registry.RevokeResult.NOT_FOUND, registry.revoke("nope"));

        assertTrue(registry.get("ops").isEmpty());
        assertEquals(1737000000.123456, registry.all().get("payments").createdAt());
        assertTrue(Files.readString(file).contains("\"created_at\": 1737000000.123456"), Files.readString(file));
        assertFalse(Files.exists(dir.resolve("registry.json.tmp")), "no temp file is left behind");
    }

    @Test
    void aCorruptRegistryIsReportedAndLeftUntouched() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "{\"records\": {\"a\": ");
        byte[] before = Files.readAllBytes(file);
        Registry registry = new Registry(file);

        CorruptFileException e = assertThrows(CorruptFileException.class, registry::active);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertThrows(CorruptFileException.class, () -> registry.revoke("a"));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aCorruptRegistryCanBeMovedAsideWithItsBytes() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, "[1, 2]");
        Registry registry = new Registry(file);

        Path aside = registry.file().moveAsideIfCorrupt().orElseThrow();
        assertEquals("[1, 2]", Files.readString(aside));
        assertFalse(Files.exists(file));
        assertTrue(registry.active().isEmpty());
    }

    @Test
    void aSymlinkPlantedAtATempNameIsNotWrittenThrough() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, PYTHON_REGISTRY);
        Path victim = dir.resolve("bashrc");
        Files.writeString(victim, "export KEEP=1\n");
        Files.createSymbolicLink(dir.resolve("registry.json.tmp"), victim);
        Files.createSymbolicLink(dir.resolve("registry.tmp"), victim);
        Registry registry = new Registry(file);

        assertEquals(Registry.RevokeResult.REVOKED, registry.revoke("ops"));

        assertEquals("export KEEP=1\n", Files.readString(victim));
        assertTrue(registry.get("ops").isEmpty());
        assertTrue(registry.get("payments").isPresent());
        assertFalse(Files.isSymbolicLink(file), "the registry is a plain file");
    }

    @Test
    void aSymlinkedRegistryIsWrittenThroughAndStaysALink() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path real = dotfiles.resolve("registry.json");
        Files.writeString(real, PYTHON_REGISTRY);
        Path state = Files.createDirectories(dir.resolve("state"));
        Path link = Files.createSymbolicLink(state.resolve("registry.json"), Path.of("../dotfiles/registry.json"));
        Registry registry = new Registry(link);

        assertEquals(Registry.RevokeResult.REVOKED, registry.revoke("ops"));

        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals(Path.of("../dotfiles/registry.json"), Files.readSymbolicLink(link));
        assertTrue(new Registry(real).get("ops").isEmpty(), "the link's target holds the change");
        assertTrue(new Registry(real).get("payments").isPresent());
        try (var left = Files.list(dotfiles)) {
            assertEquals(List.of(real), left.toList(), "no temp file left beside the target");
        }
    }

    @Test
    void aCorruptSymlinkedRegistryIsMovedAsideBesideItsTargetAndTheLinkKept() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path real = Files.writeString(dotfiles.resolve("registry.json"), "{oops");
        Path link = Files.createSymbolicLink(dir.resolve("registry.json"), real);
        Registry registry = new Registry(link);

        Path aside = registry.file().moveAsideIfCorrupt().orElseThrow();
        registry.update(root -> root.putObject("records"));

        assertEquals(dotfiles, aside.getParent());
        assertEquals("{oops", Files.readString(aside));
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals("{\n  \"records\": {}\n}\n", Files.readString(real));
    }

    @Test
    void anOversizedRegistryIsRefusedWithoutReadingIt() throws Exception {
        Path file = dir.resolve("registry.json");
        try (var raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(5L << 20); // sparse: costs no disk
        }
        Registry registry = new Registry(file);

        IOException e = assertThrows(IOException.class, registry::active);
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("5242880 bytes (5 MiB)")
                && e.getMessage().contains("more than the 4 MiB"), e.getMessage());
        assertThrows(IOException.class, () -> registry.revoke("ops"));
        assertThrows(IOException.class, () -> registry.file().moveAsideIfCorrupt(), "not taken for a corrupt file");
        assertEquals(5L << 20, Files.size(file), "left as it was");
    }

    /** A record whose stored {@code handle} is not its key (hand-edited, or written by another tool). */
    static final String MISMATCHED_HANDLE = """
            {
              "records": {
                "payments": {
                  "handle": "billing",
                  "session_id": "11111111-2222-3333-4444-555555555555",
                  "cwd": "/home/u/payments",
                  "access": "write",
                  "label": "",
                  "created_at": 1737000000.5,
                  "revoked": false
                }
              }
            }
            """;

    @Test
    void revokeActsOnTheRecordUnderTheKeyEvenWhenItsHandleFieldDiffers() throws Exception {
        Path file = dir.resolve("registry.json");
        Files.writeString(file, MISMATCHED_HANDLE);
        Registry registry = new Registry(file);
        assertEquals("payments", registry.get("payments").orElseThrow().handle(), "the key is the handle");

        assertEquals(Registry.RevokeResult.REVOKED, registry.revoke("payments"));

        assertTrue(registry.get("payments").isEmpty(), "the handle no longer resolves");
        assertTrue(registry.active().isEmpty(), "nothing is listed as published");
        assertEquals(List.of("payments"), List.copyOf(registry.all().keySet()), "no second record was created");
        assertEquals(1737000000.5, registry.all().get("payments").createdAt());
        assertEquals(Registry.RevokeResult.ALREADY_REVOKED, registry.revoke("payments"));
        assertEquals(Registry.RevokeResult.NOT_FOUND, registry.revoke("billing"));
    }

    @Test
    void configDirComesFromTheLastProjectsFolderOfTheTranscriptPath() {
        assertEquals("/home/projects/u/.claude",
                ConfigDirs.fromTranscriptPath("/home/projects/u/.claude/projects/-w/abc.jsonl").orElseThrow());
        assertTrue(ConfigDirs.fromTranscriptPath("/tmp/x.jsonl").isEmpty());
    }
}
