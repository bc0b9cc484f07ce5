package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agenttunnel.core.store.SeenMarks;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.Scripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What colleagues post while serve is down is answered once it is back: a follow-up in a bound thread and a new
 * question in the watched channel, each once and in order, and nothing answered before is answered again.
 */
class CatchUpTest {
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void questionsPostedWhileServeWasDownAreAnsweredOnceItIsBack() throws Exception {
        w = new ServeWorld("", "");
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments the first question");
        w.awaitBot(thread, "the first question");
        SeenMarks marks = new SeenMarks(w.settings().tunnel().stateDir().resolve("seen.json"));
        Eventually.await(ServeWorld.WAIT, "the channel's last message on disk", () -> marks.read().containsKey(w.channel));
        w.stopDaemon();

        w.post(thread, w.alice, "asked while you were away");
        String opener = w.post(w.channel, w.bob, "payments a new question while you were down");
        w.startDaemon();

        w.awaitBot(thread, "asked while you were away");
        String second = w.discord.awaitThread(t -> t.starterMessageId().equals(opener), ServeWorld.WAIT).id();
        w.awaitBot(second, "a new question while you were down");
        assertEquals(1, w.discord.messagesIn(thread).stream().filter(m -> m.byBot() && m.content().contains("the first question")).count(),
                "the question answered before the stop is not answered again: " + w.discord.messagesIn(thread));
        assertEquals(1, w.discord.messagesIn(thread).stream().filter(m -> m.byBot() && m.content().contains("asked while you were away"))
                .count());
    }
}
