package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.JsonTrees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustSeederTest {
    @TempDir
    Path dir;

    private final TrustSeeder seeder = new TrustSeeder();

    @Test
    void mergesTheFlagsIntoAnExistingEntryAndTouchesNothingElse() throws Exception {
        Path state = dir.resolve(".claude.json");
        Files.writeString(state, """
                {
                  "hasCompletedOnboarding": true,
                  "numStartups": 12,
                  "projects": {
                    "/w/p": {"allowedTools": ["Read"], "hasTrustDialogAccepted": false},
                    "/w/other": {"hasTrustDialogAccepted": true}
                  }
                }""");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw-------"));

        assertEquals(TrustSeeder.Result.SEEDED, seeder.seed(state, Path.of("/w/p")));

        JsonNode root = JsonTrees.parse(Files.readAllBytes(state));
        assertEquals(12, root.path("numStartups").asInt());
        assertEquals("Read", root.path("projects").path("/w/p").path("allowedTools").path(0).asText());
        TrustSeeder.FLAGS.forEach(flag -> assertTrue(root.path("projects").path("/w/p").path(flag).asBoolean(), flag));
        assertTrue(root.path("projects").path("/w/other").path("hasTrustDialogAccepted").asBoolean());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)), "account state stays private");
        assertEquals(List.of(".claude.json"), names(), "no temp file left");
    }

    @Test
    void aSymlinkedStateFileIsSeededThroughTheLink() throws Exception {
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path real = Files.writeString(dotfiles.resolve("claude.json"), "{\"numStartups\": 3}");
        Path state = Files.createSymbolicLink(dir.resolve(".claude.json"), real);

        assertEquals(TrustSeeder.Result.SEEDED, seeder.seed(state, Path.of("/w/p")));

        assertTrue(Files.isSymbolicLink(state), "the owner's link is kept");
        JsonNode root = JsonTrees.parse(Files.readAllBytes(real));
        assertEquals(3, root.path("numStartups").asInt());
        assertTrue(root.path("projects").path("/w/p").path("hasTrustDialogAccepted").asBoolean());
    }

    @Test
    void saysUnchangedWhenTheFolderIsTrustedAlready() throws Exception {
        Path state = dir.resolve(".claude.json");
        seeder.seed(state, Path.of("/w/p"));
        byte[] before = Files.readAllBytes(state);
        assertEquals(TrustSeeder.Result.UNCHANGED, seeder.seed(state, Path.of("/w/p")));
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(state));
    }

    @Test
    void createsAMissingFileAndLeavesACorruptOneAlone() throws Exception {
        Path missing = dir.resolve("new/.claude.json");
        assertEquals(TrustSeeder.Result.SEEDED, seeder.seed(missing, Path.of("/w/p")));
        assertTrue(JsonTrees.parse(Files.readAllBytes(missing)).path("projects").path("/w/p").path("hasTrustDialogAccepted").asBoolean());

        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"projects\": {");
        assertEquals(TrustSeeder.Result.SKIPPED, seeder.seed(corrupt, Path.of("/w/p")));
        assertEquals("{\"projects\": {", Files.readString(corrupt));

        Path odd = dir.resolve("odd.json");
        Files.writeString(odd, "{\"projects\": []}");
        assertEquals(TrustSeeder.Result.SKIPPED, seeder.seed(odd, Path.of("/w/p")));
        assertEquals("{\"projects\": []}", Files.readString(odd));
    }

    @Test
    void concurrentSeedsOfDifferentFoldersKeepEveryEntry() throws Exception {
        Path state = dir.resolve(".claude.json");
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<TrustSeeder.Result>> results = IntStream.range(0, 25)
                    .mapToObj(i -> pool.submit(() -> seeder.seed(state, Path.of("/w/p" + i)))).toList();
            for (Future<TrustSeeder.Result> result : results) {
                assertEquals(TrustSeeder.Result.SEEDED, result.get());
            }
        }
        assertEquals(25, JsonTrees.parse(Files.readAllBytes(state)).path("projects").size());
    }

    @Test
    void theStateFileIsTheOneClaudeReads() {
        Environment env = new Environment(Map.of("HOME", "/home/u"), Path.of("/"));
        assertEquals(Path.of("/home/u/.claude.json"), TrustSeeder.stateFile("", Map.of("HOME", "/home/u"), env));
        assertEquals(Path.of("/home/u/.claude/.claude.json"),
                TrustSeeder.stateFile("", Map.of("HOME", "/home/u", "CLAUDE_CONFIG_DIR", "/home/u/.claude"), env),
                "with the variable set, even to the default dir, claude reads the file inside it");
        assertEquals(Path.of("/home/u/elsewhere.json"), TrustSeeder.stateFile("~/elsewhere.json", Map.of(), env));
    }

    private List<String> names() throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
