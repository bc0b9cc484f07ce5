package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.hooks.ShareHookMain;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.ToolCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access levels are hard limits enforced by claude itself: a fake model asks for every dangerous tool, in a
 * git repository whose own settings allow Bash and NotebookEdit, and we look at what actually happened.
 */
class HardLimitsTest {
    private static final String NOTEBOOK = """
            {"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "source": ["print(1)"], "outputs": [], "execution_count": null}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """;
    TunnelWorld world;
    Path project;

    @AfterEach
    void close() {
        if (world != null) {
            world.close();
        }
    }

    /** A published session over a git repository that allows Bash and NotebookEdit in its own settings. */
    private void publish(String extraToml, String shareFlags) throws Exception {
        world = new TunnelWorld(extraToml);
        project = world.project("repo");
        git("init", "-q");
        git("config", "user.email", "t@example.com");
        git("config", "user.name", "t");
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"),
                "{\"permissions\": {\"allow\": [\"Bash\", \"NotebookEdit\", \"Write\", \"Edit\"]}}\n");
        Files.writeString(project.resolve("existing.txt"), "original\n");
        Files.writeString(project.resolve("nb.ipynb"), NOTEBOOK);
        git("add", ".");
        git("commit", "-q", "-m", "init");
        String expert = world.newSession(project, "Hello, remember the repository layout.");
        String json = """
                {"session_id": "%s", "prompt": ">share %s limits", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(expert, shareFlags, project, world.sandbox.transcript(project, expert));
        ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow();
        world.api.script(this::toolHungryModel);
    }

    /** Round 1 reads the files Edit and NotebookEdit need; round 2 asks for everything; then it answers. */
    private Reply toolHungryModel(RecordedRequest request) {
        if (request.isAuxiliary() || request.isSubagent()) {
            return Reply.text("sub-agent ran");
        }
        if (!request.hasToolResultFor("read-existing")) {
            return Reply.toolUse(List.of(
                    ToolCall.of("read-existing", "Read", Map.of("file_path", project.resolve("existing.txt").toString())),
                    ToolCall.of("read-notebook", "Read", Map.of("file_path", project.resolve("nb.ipynb").toString()))));
        }
        if (!request.hasToolResultFor("bash")) {
            return Reply.toolUse(List.of(
                    ToolCall.of("bash", "Bash", Map.of("command", "touch " + project.resolve("marker-bash"), "description", "probe")),
                    ToolCall.of("write", "Write", Map.of("file_path", project.resolve("written.txt").toString(), "content", "written\n")),
                    ToolCall.of("edit", "Edit", Map.of("file_path", project.resolve("existing.txt").toString(),
                            "old_string", "original", "new_string", "edited")),
                    ToolCall.of("notebook", "NotebookEdit", Map.of("notebook_path", project.resolve("nb.ipynb").toString(),
                            "cell_id", "c1", "new_source", "print(2)", "edit_mode", "replace")),
                    ToolCall.of("agent", "Agent", Map.of("description", "probe", "prompt", "say hi", "subagent_type", "general-purpose")),
                    ToolCall.of("fetch", "WebFetch", Map.of("url", world.api.baseUrl() + "/webfetch-probe", "prompt", "read it")),
                    ToolCall.of("worktree", "EnterWorktree", Map.of("name", "probe"))));
        }
        return Reply.text("done trying");
    }

    private TunnelWorld.CliResult ask() {
        TunnelWorld.CliResult r = world.cli("ask", "Please try every tool.", "--handle", "limits");
        assertEquals(0, r.code(), r.describe());
        assertTrue(r.out().contains("done trying"), r.describe());
        return r;
    }

    /**
     * The tools the fork's model was offered. DeferredToolPlaceholder is left out: claude 2.1.328 always adds it
     * ("Reserved placeholder that keeps deferred tool loading active; never call this tool"), even with
     * {@code --tools Read,Grep,Glob} on a fresh session, and it does nothing.
     */
    private Set<String> offeredTools() {
        Set<String> tools = world.api.mainRequests().stream().filter(r -> r.allText().contains("Please try every tool."))
                .findFirst().map(r -> (Set<String>) new TreeSet<>(r.toolNames())).orElseThrow();
        tools.remove("DeferredToolPlaceholder");
        return tools;
    }

    private void assertNothingBeyondFilesHappened() throws Exception {
        assertTrue(world.api.requests().stream().noneMatch(r -> r.path().contains("webfetch-probe")), "WebFetch ran");
        assertTrue(world.api.messageRequests().stream().noneMatch(RecordedRequest::isSubagent), "a sub-agent ran");
        assertEquals(1, git("worktree", "list").lines().count(), "a worktree was created");
        assertEquals("* master", git("branch").strip().replace("main", "master"), "a branch was created");
    }

    @Test
    void readRunsNoneOfThem() throws Exception {
        publish("", "");
        ask();
        assertEquals(Set.of("Glob", "Grep", "Read"), offeredTools());
        assertFalse(Files.exists(project.resolve("marker-bash")), "Bash ran");
        assertFalse(Files.exists(project.resolve("written.txt")), "Write ran");
        assertEquals("original\n", Files.readString(project.resolve("existing.txt")), "Edit ran");
        assertEquals(NOTEBOOK, Files.readString(project.resolve("nb.ipynb")), "NotebookEdit ran");
        assertNothingBeyondFilesHappened();
    }

    @Test
    void writeRunsWriteAndEditButNotBash() throws Exception {
        publish("", "--write");
        ask();
        assertEquals(Set.of("Edit", "Glob", "Grep", "NotebookEdit", "Read", "Write"), offeredTools());
        assertEquals("written\n", Files.readString(project.resolve("written.txt")));
        assertEquals("edited\n", Files.readString(project.resolve("existing.txt")));
        assertTrue(Files.readString(project.resolve("nb.ipynb")).contains("print(2)"), "NotebookEdit did not run");
        assertFalse(Files.exists(project.resolve("marker-bash")), "Bash ran");
        assertNothingBeyondFilesHappened();
    }

    @Test
    void bashRunsBashToo() throws Exception {
        publish("", "--dangerously-allow-bash");
        ask();
        assertTrue(offeredTools().contains("Bash"));
        assertTrue(Files.exists(project.resolve("marker-bash")), "Bash did not run");
        assertEquals("written\n", Files.readString(project.resolve("written.txt")));
        assertNothingBeyondFilesHappened();
    }

    @Test
    void allIsRefusedWithoutTheGate() throws Exception {
        publish("", "--dangerously-skip-permissions");
        int seen = world.api.messageRequests().size();
        TunnelWorld.CliResult r = world.cli("ask", "Please try every tool.", "--handle", "limits");
        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("allow_skip_permissions"), r.describe());
        assertEquals(seen, world.api.messageRequests().size(), "no claude turn ran");
    }

    @Test
    void allRunsWithTheGate() throws Exception {
        publish("", "--dangerously-skip-permissions");
        Files.writeString(world.config, Files.readString(world.config).replace("unset_api_key = false",
                "unset_api_key = false\nallow_skip_permissions = true"));
        ask();
        assertTrue(Files.exists(project.resolve("marker-bash")), "Bash did not run at level all");
        assertTrue(world.api.messageRequests().stream().anyMatch(RecordedRequest::isSubagent),
                "at level all the Agent tool runs: the check that it did not run on other levels can see it");
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", project.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
