package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Screens captured from claude 2.1.328 in tmux (200x50), as {@code capture-pane -p} returns them. */
class BlockingScreensTest {
    private static final Path PROJECT = Path.of("/work/project");

    @Test
    void recognisesTheFolderTrustDialog() throws IOException {
        String said = BlockingScreens.detect(screen("trust-dialog.txt"), PROJECT).orElseThrow();
        assertTrue(said.contains("folder-trust dialog") && said.contains("/work/project") && said.contains("auto_trust"), said);
    }

    @Test
    void recognisesTheCustomApiKeyQuestion() throws IOException {
        String said = BlockingScreens.detect(screen("api-key-dialog.txt"), PROJECT).orElseThrow();
        assertTrue(said.contains("ANTHROPIC_API_KEY") && said.contains("unset_api_key"), said);
    }

    @Test
    void recognisesTheFirstRunSetup() throws IOException {
        String said = BlockingScreens.detect(screen("first-run-setup.txt"), PROJECT).orElseThrow();
        assertTrue(said.contains("first-run setup"), said);
    }

    @Test
    void recognisesAForkThatCannotBeResumed() {
        String screen = "\nNo conversation found with session ID: 11111111-2222-3333-4444-555555555555\n\n\n";
        String said = BlockingScreens.detect(screen, PROJECT).orElseThrow();
        assertTrue(said.contains("No conversation found with session ID: 11111111-2222-3333-4444-555555555555"), said);
    }

    @Test
    void aConversationThatQuotesTheDialogIsNotADialog() throws IOException {
        assertEquals(Optional.empty(), BlockingScreens.detect(screen("repl-quoting-the-trust-dialog.txt"), PROJECT));
    }

    @Test
    void anUnknownDialogIsReportedWithItsText() {
        String screen = "\n\n Something new happened\n ❯ Option A\n   Option B\n Enter to confirm · Esc to cancel\n\n\n";
        String said = BlockingScreens.detect(screen, PROJECT).orElseThrow();
        assertTrue(said.contains("Something new happened") && said.contains("Option B"), said);
    }

    @Test
    void aBlankOrStartingScreenBlocksNothing() {
        assertEquals(Optional.empty(), BlockingScreens.detect("", PROJECT));
        assertEquals(Optional.empty(), BlockingScreens.detect("\n\n(running SessionStart hook · 0s)\n❯ \n", PROJECT));
    }

    private static String screen(String name) throws IOException {
        try (InputStream in = BlockingScreensTest.class.getResourceAsStream("/screens/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
