package dev.agenttunnel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order and the failure message of {@link ClaudeBinary}, on fake files. */
class ClaudeBinaryTest {

    @TempDir
    Path dir;

    @Test
    void claudeBinWins() throws IOException {
        Path explicit = executable(dir.resolve("elsewhere/claude"));
        executable(dir.resolve(ClaudeBinary.CACHE_CANDIDATES.getFirst()));

        assertEquals(explicit, ClaudeBinary.find(Map.of("CLAUDE_BIN", explicit.toString()), dir));
    }

    @Test
    void aClaudeBinThatIsNoExecutableFails() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ClaudeBinary.find(Map.of("CLAUDE_BIN", dir.resolve("missing").toString()), dir));

        assertTrue(error.getMessage().contains("CLAUDE_BIN"), error.getMessage());
    }

    @Test
    void walksUpToTheRepositoryCache() throws IOException {
        Path nativeBinary = executable(dir.resolve(ClaudeBinary.CACHE_CANDIDATES.getFirst()));
        Path module = Files.createDirectories(dir.resolve("testkit/target"));

        assertEquals(nativeBinary, ClaudeBinary.find(Map.of("PATH", ""), module));
    }

    @Test
    void acceptsTheNpmBinLink() throws IOException {
        Path bin = executable(dir.resolve(".cache/claude-code/node_modules/.bin/claude"));

        assertEquals(bin, ClaudeBinary.find(Map.of(), dir));
    }

    @Test
    void fallsBackToPath() throws IOException {
        Path onPath = executable(dir.resolve("bin/claude"));
        Path elsewhere = Files.createDirectories(dir.resolve("project"));

        assertEquals(onPath, ClaudeBinary.find(Map.of("PATH", "/nonexistent:" + onPath.getParent()), elsewhere));
    }

    @Test
    void explainsWhatWasSearchedAndHowToInstall() throws IOException {
        Path project = Files.createDirectories(dir.resolve("project"));

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> ClaudeBinary.find(Map.of("PATH", "/nonexistent"), project));

        String message = error.getMessage();
        assertTrue(message.contains("$CLAUDE_BIN"), message);
        assertTrue(message.contains(project.toString()), message);
        assertTrue(message.contains("PATH=/nonexistent"), message);
        assertTrue(message.contains("./run-tests"), message);
        assertTrue(message.contains("npm install --prefix .cache/claude-code @anthropic-ai/claude-code@2.1.332"),
                message);
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
