package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thread's level follows its session, whatever the session's handle is called now: a relabel moves open threads
 * along, and {@code >share off} leaves them answering at the last level the owner set, never at an older, higher one.
 * What each turn could do is read off the tools the model was offered (the fake API's log).
 */
class LevelFollowsSessionTest {
    private static final String NOTEBOOK = """
            {"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "source": ["print(1)"], "outputs": [], "execution_count": null}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """;
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private Set<String> toolsOfferedFor(String question) {
        RecordedRequest request = w.world.api.awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(question),
                ServeWorld.WAIT);
        Set<String> tools = new TreeSet<>(request.toolNames());
        tools.remove("DeferredToolPlaceholder");
        return tools;
    }

    private ThreadStore store() throws Exception {
        return new ThreadStore(w.settings().tunnel().statePath());
    }

    @Test
    void aRelabelMovesOpenThreadsAlongAndTheirLevelFollowsTheSession() throws Exception {
        w = new ServeWorld("", "");
        w.share(">share --dangerously-allow-bash payments");
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments first question");
        w.awaitBot(thread, "first question");
        assertTrue(toolsOfferedFor("first question").contains("Bash"));

        w.share(">share --read ledger");
        w.post(thread, w.alice, "second question");
        w.awaitBot(thread, "second question");
        Set<String> offered = toolsOfferedFor("second question");
        offered.remove("NotebookEdit"); // see the other test: offered once, still refused
        assertEquals(Set.of("Glob", "Grep", "Read"), offered, "the relabelled session's level");
        Eventually.await(ServeWorld.WAIT, "the thread bound under the new handle",
                () -> "ledger".equals(store().get("th:" + thread).orElseThrow().handle()));

        TunnelWorld.CliResult revoke = w.world.cli("revoke", "ledger");
        assertEquals(0, revoke.code(), revoke.describe());
        w.share(">share --dangerously-allow-bash other-name"); // the same session shared again under a third name
        w.post(thread, w.alice, "third question");
        w.awaitBot(thread, "third question");
        assertTrue(toolsOfferedFor("third question").contains("Bash"), "the session's newest record, live again");
    }

    @Test
    void aDowngradeThenOffLeavesOpenThreadsAtTheLastLevelSet() throws Exception {
        w = new ServeWorld("", "");
        w.share(">share --dangerously-allow-bash payments");
        w.world.api.scriptMain(Scripts.echo());
        TunnelWorld.CliResult first = w.world.cli("ask", "first question", "--handle", "payments", "--thread", "t");
        assertEquals(0, first.code(), first.describe());
        assertTrue(toolsOfferedFor("first question").contains("Bash"));

        Path notebook = w.project.resolve("nb.ipynb");
        Files.writeString(notebook, NOTEBOOK);
        w.world.api.scriptMain(request -> {
            if (!request.allText().contains("second question")) {
                return Reply.text("echo: " + request.lastUserText());
            }
            if (request.hasToolResultFor("nb")) {
                return Reply.text("tried");
            }
            return Reply.toolUse(List.of(
                    ToolCall.of("nb", "NotebookEdit", Map.of("notebook_path", notebook.toString(), "cell_id", "c1",
                            "new_source", "print(2)", "edit_mode", "replace")),
                    ToolCall.of("bash", "Bash", Map.of("command", "touch " + w.project.resolve("bash-ran"), "description", "x")),
                    ToolCall.of("write", "Write", Map.of("file_path", w.project.resolve("w.txt").toString(), "content", "x"))));
        });

        w.share(">share --read");
        w.share(">share off"); // no turn in between
        TunnelWorld.CliResult second = w.world.cli("ask", "second question", "--thread", "t");
        assertEquals(0, second.code(), second.describe());
        assertTrue(second.out().contains("tried"), second.describe());
        // claude 2.1.332 still offers a resumed fork NotebookEdit once it had it (a deferred tool replayed from the
        // transcript, --disallowedTools notwithstanding), so the offered list may hold it; running it is refused.
        Set<String> offered = toolsOfferedFor("second question");
        offered.remove("NotebookEdit");
        assertEquals(Set.of("Glob", "Grep", "Read"), offered);
        assertEquals(NOTEBOOK, Files.readString(notebook), "NotebookEdit ran at read");
        assertFalse(Files.exists(w.project.resolve("bash-ran")), "Bash ran at read");
        assertFalse(Files.exists(w.project.resolve("w.txt")), "Write ran at read");
        assertEquals(AccessLevel.READ, store().get("cli:t").orElseThrow().access(), "the level the thread now runs at, stored");
        assertTrue(w.world.cli("ask", "a new thread", "--handle", "payments", "--thread", "u").err().contains("No live handle"),
                "a revoked handle opens no new thread");
    }
}
