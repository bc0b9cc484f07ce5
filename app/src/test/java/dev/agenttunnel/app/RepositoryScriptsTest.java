package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a fresh clone shows its user: the scripts' help, the build's output, the README's references. */
class RepositoryScriptsTest {
    private record Run(int code, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(TunnelWorld.REPO.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Run(p.exitValue(), output);
    }

    @Test
    void installHelpShowsTheUsageAndNoCode() throws Exception {
        Run help = run(List.of("bash", TunnelWorld.REPO.resolve("install").toString(), "--help"));
        assertEquals(0, help.code(), help.output());
        assertTrue(help.output().contains("./install --no-plugin"), help.output());
        assertFalse(help.output().contains("set -euo pipefail"), help.output());
        assertFalse(help.output().lines().anyMatch(l -> l.startsWith("#")), help.output());
    }

    /** Maven 3.8's jansi writes a colour reset (ESC [0m) even in batch mode; the repository's jvm.config turns it off. */
    @Test
    void theBuildAsTheScriptsRunItPrintsNoEscapeCodes() throws Exception {
        Run build = run(List.of("mvn", "-B", "-q", "-o", "-Dstyle.color=never", "validate", "-pl", "core"));
        assertEquals(0, build.code(), build.output());
        assertFalse(build.output().contains("\u001b"), "escape codes in: " + build.output().replace("\u001b", "ESC"));
    }

    @Test
    void theReadmeReferencesNothingOutsideTheRepository() throws Exception {
        String readme = Files.readString(TunnelWorld.REPO.resolve("README.md"));
        assertFalse(readme.contains("../"), "a clone has nothing above its own folder");
    }
}
