package dev.agenttunnel.core.fork;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolActivityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("/w/payments");

    private static String say(String tool, String input) throws Exception {
        return ToolActivity.describe(tool, JSON.readTree(input), PROJECT);
    }

    @Test
    void toolCallsReadAsWhatTheForkDoesWithProjectPathsRelative() throws Exception {
        assertEquals("Reading `src/auth.ts`", say("Read", "{\"file_path\": \"/w/payments/src/auth.ts\"}"));
        assertEquals("Searching for `token` in `src`", say("Grep", "{\"pattern\": \"token\", \"path\": \"/w/payments/src\"}"));
        assertEquals("Looking for `**/*.java`", say("Glob", "{\"pattern\": \"**/*.java\"}"));
        assertEquals("Running `git status …`", say("Bash", "{\"command\": \"git status\\nrm -rf x\"}"));
        assertEquals("Using Task", say("Task", "{}"));
    }

    @Test
    void pathsOutsideTheProjectShowOnlyTheirNameAndNothingBreaksTheCodeSpan() throws Exception {
        assertEquals("Reading `id_rsa`", say("Read", "{\"file_path\": \"/home/u/.ssh/id_rsa\"}"));
        assertEquals("Running `echo 'x' `", say("Bash", "{\"command\": \"echo `x`\\u0007\"}"));
        assertEquals(80 + "Reading ``…".length(), say("Read", "{\"file_path\": \"" + "a".repeat(200) + "\"}").length());
    }
}
