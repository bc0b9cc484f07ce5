package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.ToolCall;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile fork that blocks itself (a command reading a FIFO nobody writes) holds one turn permit until the turn
 * timeout, and no more: other threads are answered meanwhile, and the blocked turn ends with a clear message and no
 * process left behind.
 */
class BlockedForkTest {
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void aForkBlockedOnAFifoStallsNoOtherThreadAndLeavesNothingRunning() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("answer_timeout_s = 120.0", "answer_timeout_s = 20.0"));
        Path fifo = w.project.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        w.share(">share --dangerously-allow-bash payments");
        w.startDaemon();
        w.world.api.scriptMain(request -> {
            if (request.allText().contains("read the pipe")) {
                return request.hasToolResultFor("cat") ? Reply.text("the pipe said something")
                        : Reply.toolUse(List.of(ToolCall.of("cat", "Bash", Map.of("command", "cat " + fifo, "description", "read"))));
            }
            return Reply.text("echo: " + request.lastUserText());
        });

        String blocked = w.openThread(w.alice, "payments read the pipe");
        w.world.api.awaitRequest(r -> r.isMainConversation() && r.allText().contains("read the pipe"), ServeWorld.WAIT);
        String other = w.openThread(w.bob, "payments meanwhile, what is the settlement time?");
        w.awaitBot(other, "meanwhile, what is the settlement time?");
        assertTrue(w.discord.messagesIn(blocked).stream().noneMatch(m -> m.byBot() && m.content().contains("Timed out")),
                "the other thread was answered while the blocked fork still ran");

        PostedMessage timedOut = w.awaitBot(blocked, "Timed out");
        assertTrue(!timedOut.content().contains(fifo.toString()), "no paths in what the colleague is told: " + timedOut.content());
        Eventually.await(ServeWorld.WAIT, "no process still reading the pipe", () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().map(c -> c.contains(fifo.toString())).orElse(false)));
    }
}
