package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The published session's transcript is deleted: every fork of it fails ("No conversation found with session ID …"),
 * and that is what everyone is told — the colleague in neutral words, the owner with the session and the path, in the
 * log, in {@code ask}, in {@code published} and in {@code doctor}.
 */
class GoneTranscriptTest {
    ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private Path deleteTheExpertsTranscript() throws Exception {
        Path transcript = w.world.sandbox.transcript(w.project, w.expert);
        Files.delete(transcript);
        return transcript;
    }

    @Test
    void theOwnerIsToldWhichTranscriptIsGoneInAskPublishedAndDoctor() throws Exception {
        w = new ServeWorld("", "");
        Path transcript = deleteTheExpertsTranscript();

        TunnelWorld.CliResult ask = w.world.cli("ask", "what is the settlement time?", "--handle", "payments");
        assertEquals(ExitCodes.CLAUDE_FAILED, ask.code(), ask.describe());
        assertTrue(ask.err().contains("The published session " + w.expert + " (handle 'payments') is gone: claude has no conversation "
                + "with that id (its transcript " + transcript + " was deleted or moved)"), ask.describe());
        assertFalse(ask.err().contains("(no details)"), ask.describe());

        TunnelWorld.CliResult published = w.world.cli("published");
        assertTrue(published.out().contains("payments: ") && published.out().contains("⚠️ transcript gone (" + transcript + ")"),
                published.describe());

        TunnelWorld.CliResult doctor = w.world.cli("doctor");
        assertEquals(ExitCodes.REFUSED, doctor.code(), doctor.describe());
        assertTrue(doctor.out().contains("✗ Handle 'payments': the transcript of its session " + w.expert + " is gone (" + transcript
                + " was deleted or moved) — no fork of it can start; revoke it (agent-tunnel revoke payments)"), doctor.describe());
    }

    @Test
    void theColleagueHearsInNeutralWordsAndTheOwnerReadsTheLog() throws Exception {
        w = new ServeWorld("", "");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger ours = (Logger) LoggerFactory.getLogger("dev.agenttunnel");
        log.start();
        ours.addAppender(log);
        try {
            w.startDaemon();
            Path transcript = deleteTheExpertsTranscript();
            String thread = w.openThread(w.alice, "payments what is the settlement time?");
            PostedMessage told = w.awaitBot(thread, "⚠️");
            assertTrue(told.content().contains("The session behind this handle is gone from its owner's machine"), told.content());
            for (String secret : new String[] {"/", w.expert, ".jsonl", "No conversation found"}) {
                assertFalse(told.content().contains(secret), "the colleague is told no paths or ids: " + told.content());
            }
            String line = Eventually.await(ServeWorld.WAIT, "the owner's log line", () -> log.list.stream()
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("is gone")).findFirst());
            assertTrue(line.contains("payments: the published session " + w.expert + " is gone") && line.contains(transcript.toString()),
                    line);
        } finally {
            ours.detachAppender(log);
        }
    }

    @Test
    void onTheTmuxBackendTheColleagueHearsTheSame() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        w.startDaemon();
        deleteTheExpertsTranscript();
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        PostedMessage told = w.awaitBot(thread, "⚠️");
        assertTrue(told.content().contains("The session behind this handle is gone from its owner's machine"), told.content());
        assertFalse(told.content().contains("/") || told.content().contains(w.expert), told.content());
    }
}
