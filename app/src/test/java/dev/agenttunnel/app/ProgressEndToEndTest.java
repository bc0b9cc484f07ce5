package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.ToolCall;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * While a slow turn runs, its thread shows one progress message naming what the fork does (from claude's stream on
 * the headless backend, from its PreToolUse hook in tmux), edited as it goes, and finished when the answer posts.
 */
class ProgressEndToEndTest {
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private void slowTurnWithARead(boolean tmux) throws Exception {
        w = new ServeWorld("", "");
        if (tmux) {
            Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        }
        Files.writeString(w.project.resolve("README.md"), "# payments\n");
        w.startDaemon();
        w.world.api.scriptMain(request -> {
            if (!request.allText().contains("look at the readme")) {
                return Reply.text("echo: " + request.lastUserText());
            }
            if (!request.hasToolResultFor("readme")) {
                return Reply.toolUse(List.of(ToolCall.of("readme", "Read", Map.of("file_path", w.project.resolve("README.md").toString()))));
            }
            return Reply.delayed(Duration.ofSeconds(6), Reply.text("the readme says payments"));
        });
        String thread = w.openThread(w.alice, "payments look at the readme");
        w.awaitBot(thread, "the readme says payments");
        PostedMessage progress = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread)
                && m.content().startsWith("✔️ Done in"), ServeWorld.WAIT);
        List<PostedMessage> versions = w.discord.messageHistory().stream().filter(m -> m.id().equals(progress.id())).toList();
        assertTrue(versions.stream().anyMatch(v -> v.content().contains("Reading `README.md`")), versions.toString());
        assertTrue(versions.stream().filter(v -> v.content().startsWith("⏳")).count() >= 2, "edited while the turn ran: " + versions);
        assertTrue(progress.content().contains("1 step (last: Reading `README.md`)"), progress.content());
        assertTrue(w.discord.messagesIn(thread).stream().noneMatch(m -> m.byBot() && m.content().startsWith("⏳")),
                "no stale working message: " + w.discord.messagesIn(thread));
    }

    @Test
    void headlessShowsWhatTheForkDoesAndFinishesWhenTheAnswerPosts() throws Exception {
        slowTurnWithARead(false);
    }

    @Test
    void tmuxShowsWhatTheForkDoesAndFinishesWhenTheAnswerPosts() throws Exception {
        slowTurnWithARead(true);
    }
}
