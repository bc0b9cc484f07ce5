package dev.agenttunnel.core.claude;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.turn.TurnFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A thread's own upload folder is readable by its fork; the rest of the state folder, other threads' uploads too, is not. */
class ForkFenceUploadsTest {
    @TempDir
    Path root;

    @Test
    void onlyTheThreadsOwnUploadsAreReadable() throws Exception {
        Path state = Files.createDirectories(root.resolve("state"));
        Files.writeString(state.resolve("state.json"), "{}");
        Path mine = TurnFolders.prepareUploads(state, "th:1");
        Path theirs = TurnFolders.prepareUploads(state, "th:2");
        Path project = Files.createDirectories(root.resolve("project"));
        ForkFence fence = new ForkFence(root.resolve("home"), List.of(state), List.of(), false);
        List<Path> readable = List.of(mine);

        List<String> allow = fence.allowRules(AccessLevel.READ, project, readable);
        assertTrue(allow.contains("Read(/" + mine + "/**)"), allow.toString());
        String additional = fence.settings(AccessLevel.READ, project, readable, root.resolve("home/.claude"))
                .path("permissions").path("additionalDirectories").toString();
        assertTrue(additional.contains(mine.toString()) && !additional.contains(theirs.toString()), additional);

        List<String> deny = fence.denyRules(project, readable, root.resolve("home/.claude"));
        assertTrue(deny.contains("Read(/" + theirs + "/**)"), deny.toString());
        assertTrue(deny.contains("Read(/" + state.resolve("state.json") + ")"), deny.toString());
        assertFalse(deny.stream().anyMatch(r -> r.contains(mine.toString())), "the thread's own folder is not denied: " + deny);
        assertFalse(deny.contains("Read(/" + state + "/**)"), "the state folder is denied around the readable folder, not whole");
    }
}
