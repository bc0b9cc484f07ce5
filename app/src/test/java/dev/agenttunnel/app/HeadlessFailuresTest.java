package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.hooks.ShareHookMain;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way a headless turn can fail ends as one clear message, and the thread still works afterwards. */
class HeadlessFailuresTest {
    TunnelWorld world;
    Path project;
    String expert;

    void publish(String extraToml) {
        world = new TunnelWorld(extraToml);
        project = world.project("svc");
        expert = world.newSession(project, "Remember: the cache TTL is 17 minutes.");
        String json = """
                {"session_id": "%s", "prompt": ">share svc", "cwd": "%s", "transcript_path": "%s"}
                """.formatted(expert, project, world.sandbox.transcript(project, expert));
        ShareHookMain.run(json, world.environment(project), Clock.systemUTC()).orElseThrow();
    }

    @AfterEach
    void close() {
        world.close();
    }

    private void setConfig(String from, String to) throws Exception {
        Files.writeString(world.config, Files.readString(world.config).replace(from, to));
    }

    @Test
    void anApiErrorIsReportedAndTheNextQuestionWorks() {
        publish("");
        world.api.scriptMain(Scripts.always(Reply.error(400, "invalid_request_error", "prompt is too long: 999999 tokens")));
        TunnelWorld.CliResult failed = world.cli("ask", "What is the TTL?", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, failed.code(), failed.describe());
        assertTrue(failed.err().contains("claude reported an error: Prompt is too long"), failed.describe());

        world.api.scriptMain(Scripts.text("17 minutes"));
        TunnelWorld.CliResult ok = world.cli("ask", "What is the TTL?");
        assertEquals(0, ok.code(), ok.describe());
        assertTrue(ok.out().contains("17 minutes"));
    }

    @Test
    void aHangIsKilledAtTheTimeoutAndTheNextQuestionWorks() throws Exception {
        publish("");
        setConfig("answer_timeout_s = 120.0", "answer_timeout_s = 3.0");
        world.api.scriptMain(Scripts.always(Reply.delayed(Duration.ofSeconds(60), Reply.text("too late"))));
        Instant started = Instant.now();
        TunnelWorld.CliResult failed = world.cli("ask", "What is the TTL?", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, failed.code(), failed.describe());
        assertTrue(failed.err().contains("Timed out after 3s"), failed.describe());
        assertTrue(Duration.between(started, Instant.now()).toSeconds() < 30, "the turn was not stopped at its timeout");
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains(expert)).orElse(false)),
                "a claude process of this test is still running");

        setConfig("answer_timeout_s = 3.0", "answer_timeout_s = 120.0");
        world.api.scriptMain(Scripts.text("17 minutes"));
        TunnelWorld.CliResult ok = world.cli("ask", "What is the TTL?");
        assertEquals(0, ok.code(), ok.describe());
    }

    @Test
    void aNonZeroExitIsReportedWithClaudesOwnWords() throws Exception {
        publish("");
        setConfig("unset_api_key = false", "unset_api_key = false\nheadless_extra_args = [\"--no-such-flag\"]");
        TunnelWorld.CliResult failed = world.cli("ask", "hi", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, failed.code(), failed.describe());
        assertTrue(failed.err().contains("claude exited with code") && failed.err().contains("no-such-flag"), failed.describe());
    }

    @Test
    void aMissingClaudeIsReportedWithWhatToDo() throws Exception {
        publish("");
        setConfig("binary = \"" + world.sandbox.claudeBinary() + "\"", "binary = \"/nonexistent/claude\"");
        TunnelWorld.CliResult failed = world.cli("ask", "hi", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, failed.code(), failed.describe());
        assertTrue(failed.err().contains("Could not run claude (`/nonexistent/claude`)") && failed.err().contains("Install Claude Code"),
                failed.describe());
    }

    @Test
    void outputThatIsNotClaudesIsReported() throws Exception {
        publish("");
        // Not claude: a program that answers in plain text. Only our parsing of its output is under test here.
        Path impostor = world.bin.resolve("not-claude");
        Files.writeString(impostor, "#!/bin/sh\ncat >/dev/null\necho 'Hello! I am not JSON.'\n");
        Files.setPosixFilePermissions(impostor, PosixFilePermissions.fromString("rwxr-xr-x"));
        setConfig("binary = \"" + world.sandbox.claudeBinary() + "\"", "binary = \"" + impostor + "\"");
        TunnelWorld.CliResult failed = world.cli("ask", "hi", "--handle", "svc");
        assertEquals(ExitCodes.CLAUDE_FAILED, failed.code(), failed.describe());
        assertTrue(failed.err().contains("Unparseable claude output") && failed.err().contains("Hello! I am not JSON."), failed.describe());
    }
}
