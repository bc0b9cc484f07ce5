package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.fork.ForkProcesses;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The durable inbox, black box: the packaged {@code ./agent-tunnel serve} is killed with SIGKILL while claude answers a
 * question; the next {@code serve} stops the claude the dead one left running (it would finish a turn nobody sees) and
 * answers the question once.
 */
class DurableInboxIT {
    private static Process serve(ServeWorld w, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(TunnelWorld.REPO.resolve("agent-tunnel").toString(), "serve", "--config",
                w.world.config.toString())
                .directory(w.world.sandbox.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(w.world.env());
        return builder.start();
    }

    @Test
    void aQuestionInFlightWhenServeIsKilledIsAnsweredOnceByTheNextServe() throws Exception {
        try (ServeWorld w = new ServeWorld("", "")) {
            AtomicInteger asked = new AtomicInteger();
            w.world.api.scriptMain(request -> {
                if (!request.lastUserText().contains("survive the crash")) {
                    return Reply.text("echo: " + request.lastUserText());
                }
                return asked.incrementAndGet() == 1
                        ? Reply.delayed(Duration.ofSeconds(60), Reply.text("a late answer nobody should see"))
                        : Reply.text("answered after the restart");
            });
            Path log = w.world.sandbox.root().resolve("serve.log");
            Process first = serve(w, log);
            String thread;
            long orphan;
            try {
                w.discord.awaitConnected(ServeWorld.WAIT);
                String message = w.post(w.channel, w.alice, "payments will this survive the crash?");
                thread = w.discord.awaitThread(t -> t.starterMessageId().equals(message), ServeWorld.WAIT).id();
                w.world.api.awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains("survive the crash"), ServeWorld.WAIT);
                List<ProcessHandle> claude = ForkProcesses.ofThread("th:" + thread);
                assertEquals(1, claude.size(), "one warm claude answers the thread");
                orphan = claude.getFirst().pid();
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook runs
                first.waitFor(15, TimeUnit.SECONDS);
            }
            assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false), "the dead serve's claude lives on");

            Process second = serve(w, log);
            try {
                w.awaitBot(thread, "answered after the restart");
                Eventually.await(ServeWorld.WAIT, "the left-over claude stopped",
                        () -> ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
                long answers = w.discord.messagesIn(thread).stream()
                        .filter(m -> m.byBot() && m.content().contains("answered after the restart")).count();
                assertEquals(1, answers, "answered once: " + w.discord.messagesIn(thread));
                assertTrue(w.discord.messagesIn(thread).stream().noneMatch(m -> m.content().contains("a late answer")));
                Path journal = w.settings().tunnel().stateDir().resolve("journal.jsonl");
                Eventually.await(ServeWorld.WAIT, "the question left the journal",
                        () -> new dev.agenttunnel.core.store.QuestionJournal(journal).pending().isEmpty());
            } finally {
                second.destroy();
                if (!second.waitFor(15, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
    }
}
