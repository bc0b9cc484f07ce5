package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** serve end to end: the real JDA ↔ Discord emulator ↔ daemon ↔ real claude ↔ fake Anthropic API. */
class ServeEndToEndTest {
    ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private ServeWorld started(String limits, String claude) throws Exception {
        w = new ServeWorld(limits, claude);
        w.startDaemon();
        return w;
    }

    private ThreadStore store() throws Exception {
        return new ThreadStore(w.settings().tunnel().statePath());
    }

    /** The thread's fork id, once recorded (it is written beside posting the answer, so poll with a deadline). */
    private String forkOf(String thread) throws Exception {
        return dev.agenttunnel.testkit.Eventually.await(ServeWorld.WAIT, "a fork recorded for " + thread,
                () -> store().get("th:" + thread).map(r -> r.forkSessionId()).filter(f -> !f.isEmpty()));
    }

    @Test
    void aQuestionOpensAThreadAnsweredByAForkAndFollowUpsContinueIt() throws Exception {
        started("", "");
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        assertTrue(w.discord.threads().stream().anyMatch(t -> t.id().equals(thread) && t.name().equals("payments: what is the settlement time?")));
        w.awaitBot(thread, "what is the settlement time?");
        assertTrue(w.world.api.mainRequests().stream().anyMatch(r -> r.allText().contains("milli-cents")
                && r.allText().contains("Relayed message — Alice (via Discord) says:")), "the fork saw the expert's context and the asker");
        String fork = forkOf(thread);
        assertNotEquals(w.expert, fork);

        w.post(thread, w.alice, "and the amounts?");
        w.awaitBot(thread, "and the amounts?");
        assertEquals(fork, forkOf(thread), "a follow-up continues the same fork");
        assertTrue(w.world.api.mainRequests().getLast().allText().contains("what is the settlement time?"));

        String other = w.openThread(w.bob, "payments who are you?");
        w.awaitBot(other, "who are you?");
        assertNotEquals(fork, forkOf(other), "another colleague's thread gets its own fork");
    }

    @Test
    void listDoneSideChatAndStrangers() throws Exception {
        started("", "");
        w.discord.createUser("carol", "Carol");
        w.share(">share off");
        w.post(w.channel, w.alice, "!list");
        w.awaitBot(w.channel, "Nothing is shared");
        w.share(">share payments");
        w.post(w.channel, w.alice, "!handles");
        w.awaitBot(w.channel, "`payments`");

        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "fake answer");
        int calls = w.world.api.mainRequests().size();
        w.post(thread, w.bob, "<@" + w.alice + "> did you see this?");
        w.post(thread, w.alice, "@here lunch?");
        w.post(thread, w.alice, "!done");
        w.awaitBot(thread, "✅ Closed");
        w.post(thread, w.alice, "one more thing");
        w.post(w.channel, w.alice, "!list");
        w.awaitBot(w.channel, "`payments`");
        assertEquals(calls, w.world.api.mainRequests().size(), "side chat and a closed thread get no model call");
        assertTrue(store().get("th:" + thread).isEmpty());
    }

    /**
     * Nobody is left in silence: a follow-up within the asker's cooldown gets ⏳ and is answered once it is over; a
     * question to a mistyped handle gets the live handles; a message in a thread closed with !done is told how to start
     * a new one. Chatter, and threads the bot did not open, still get nothing.
     */
    @Test
    void aHeldFollowUpATypoAndAClosedThreadAreAllAnswered() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("per_user_cooldown_s = 0.0", "per_user_cooldown_s = 3.0"));
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        String followUp = w.post(thread, w.alice, "and the amounts?");
        w.discord.awaitReaction(r -> r.messageId().equals(followUp) && r.emoji().equals("⏳"), ServeWorld.WAIT);
        w.awaitBot(thread, "what is the settlement time?");
        w.awaitBot(thread, "and the amounts?");

        String typo = w.post(w.channel, w.bob, "paymnets what is the settlement time?");
        PostedMessage told = w.awaitBot(w.channel, "No live session for handle `paymnets`");
        assertEquals(java.util.Optional.of(typo), told.replyToId());
        assertTrue(told.content().contains("Did you mean `payments`?"), told.content());
        String chatter = w.post(w.channel, w.bob, "lunch anyone?");
        String foreign = w.discord.startThread(w.channel, chatter, w.bob, "lunch");
        w.post(foreign, w.bob, "who is in?");

        w.post(thread, w.alice, "!done");
        w.awaitBot(thread, "✅ Closed");
        w.post(thread, w.alice, "one more thing");
        PostedMessage closed = w.awaitBot(thread, "This thread is closed");
        assertTrue(closed.content().contains("<#" + w.channel + ">"), closed.content());
        w.post(w.channel, w.bob, "!list");
        w.awaitBot(w.channel, "Available handles");
        assertTrue(w.discord.messages().stream().noneMatch(m -> m.byBot() && m.replyToId().equals(java.util.Optional.of(chatter))),
                "chatter gets no answer");
        assertTrue(w.discord.messagesIn(foreign).stream().noneMatch(PostedMessage::byBot), "a thread the bot did not open gets nothing");
        assertTrue(w.world.api.mainRequests().stream().noneMatch(r -> r.lastUserText().contains("one more thing")));
    }

    @Test
    void usersOutsideTheAllowlistGetNothing() throws Exception {
        w = new ServeWorld("", "");
        java.nio.file.Files.writeString(w.world.config, java.nio.file.Files.readString(w.world.config)
                .replace("[discord]\n", "[discord]\nallowed_user_ids = [" + w.alice + "]\n"));
        w.startDaemon();
        String stranger = w.post(w.channel, w.bob, "payments let me in");
        String thread = w.openThread(w.alice, "payments I am allowed");
        w.awaitBot(thread, "fake answer");
        assertTrue(w.discord.threads().stream().noneMatch(t -> t.starterMessageId().equals(stranger)));
        assertTrue(w.world.api.mainRequests().stream().noneMatch(r -> r.allText().contains("let me in")));
    }

    @Test
    void longAnswersAreSplitOrAttachedAndNeverExceedTheLimit() throws Exception {
        started("", "");
        String threeK = "🙂".repeat(1200) + "\n" + "漢".repeat(1800);
        String sevenK = ("line of text ".repeat(70) + "\n").repeat(8);
        w.world.api.scriptMain(r -> Reply.text(r.lastUserText().contains("short") ? threeK : sevenK));
        String thread = w.openThread(w.alice, "payments short one");
        w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.content().startsWith("漢"), ServeWorld.WAIT);
        List<PostedMessage> first = w.discord.messagesIn(thread).stream().filter(PostedMessage::byBot).toList();
        assertEquals(List.of("🙂".repeat(1200), "漢".repeat(1800)), first.stream().map(PostedMessage::content).toList());

        w.post(thread, w.alice, "long one");
        PostedMessage attached = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.file("answer.md").isPresent(),
                ServeWorld.WAIT);
        assertEquals(sevenK.strip(), new String(attached.file("answer.md").orElseThrow().content(), StandardCharsets.UTF_8));
        for (PostedMessage m : w.discord.messagesIn(thread)) {
            assertTrue(m.content().codePointCount(0, m.content().length()) <= 2000, "a message over 2000 code points");
            if (m.byBot()) {
                assertTrue(m.allowedMentions().isPresent() && m.allowedMentions().get().pingsNobody(), "posts must not ping");
            }
        }
    }

    @Test
    void theAccessLevelIsReReadAndFullAccessNeedsTheGate() throws Exception {
        started("", "");
        w.world.api.scriptMain(Scripts.echo());
        String thread = w.openThread(w.alice, "payments hi");
        w.awaitBot(thread, "echo: ");
        assertFalse(w.world.api.mainRequests().getLast().toolNames().contains("Write"));
        w.share(">share --write payments");
        w.post(thread, w.alice, "now with write");
        w.awaitBot(thread, "now with write");
        RecordedRequest withWrite = w.world.api.mainRequests().stream().filter(r -> r.allText().contains("now with write")).findFirst().orElseThrow();
        assertTrue(withWrite.toolNames().contains("Write"), withWrite.toolNames().toString());

        w.share(">share --dangerously-skip-permissions payments");
        int calls = w.world.api.mainRequests().size();
        w.post(thread, w.alice, "everything please");
        w.awaitBot(thread, "allow_skip_permissions");
        assertEquals(calls, w.world.api.mainRequests().size());
    }

    @Test
    void failuresAreReportedInTheThreadAndTheNextQuestionWorks() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("answer_timeout_s = 120.0", "answer_timeout_s = 4.0"));
        w.startDaemon();
        w.world.api.scriptMain(Scripts.always(Reply.error(400, "invalid_request_error", "prompt is too long")));
        String thread = w.openThread(w.alice, "payments first");
        w.awaitBot(thread, "⚠️ claude reported an error");
        w.world.api.scriptMain(Scripts.always(Reply.delayed(Duration.ofSeconds(60), Reply.text("late"))));
        w.post(thread, w.alice, "second");
        w.awaitBot(thread, "Timed out after 4s");
        w.world.api.scriptMain(Scripts.text("third works"));
        w.post(thread, w.alice, "third");
        w.awaitBot(thread, "third works");
    }

    @Test
    void aNonZeroExitIsReportedInTheThread() throws Exception {
        started("", "headless_extra_args = [\"--no-such-flag\"]");
        String thread = w.openThread(w.alice, "payments hi");
        w.awaitBot(thread, "claude exited with code");
    }

    @Test
    void afterARestartAFollowUpResumesTheSameFork() throws Exception {
        started("", "");
        String thread = w.openThread(w.alice, "payments hi");
        w.awaitBot(thread, "fake answer");
        String fork = forkOf(thread);
        w.stopDaemon();
        w.startDaemon();
        w.world.api.scriptMain(Scripts.text("after restart"));
        w.post(thread, w.alice, "still there?");
        w.awaitBot(thread, "after restart");
        assertEquals(fork, forkOf(thread));
        assertTrue(w.world.api.mainRequests().getLast().allText().contains("Relayed message — Alice (via Discord) says:\nhi"));
    }

    @Test
    void forgetAllWhileTheDaemonRunsLeavesNothingToResurrect() throws Exception {
        started("", "");
        w.world.api.scriptMain(Scripts.always(Reply.delayed(Duration.ofSeconds(3), Reply.text("slow answer"))));
        String thread = w.openThread(w.alice, "payments slow");
        w.world.api.awaitRequest(r -> r.isMainConversation() && r.allText().contains("slow"), ServeWorld.WAIT);
        TunnelWorld.CliResult forgot = w.world.cli("forget", "--all");
        assertEquals(0, forgot.code(), forgot.describe());
        w.awaitBot(thread, "slow answer");
        assertTrue(store().all().isEmpty(), "the finished turn did not bring the binding back");
        int calls = w.world.api.mainRequests().size();
        w.post(thread, w.alice, "hello again");
        w.awaitBot(thread, "thread is closed");
        assertEquals(calls, w.world.api.mainRequests().size());
        assertTrue(store().all().isEmpty());
    }

    @Test
    void aCorruptStateFileIsKeptAsideAndTheDaemonStillAnswers() throws Exception {
        w = new ServeWorld("", "");
        java.nio.file.Path state = w.settings().tunnel().statePath();
        Files.createDirectories(state.getParent());
        Files.writeString(state, "{\"records\": {oops");
        w.startDaemon();
        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "fake answer");
        try (var files = Files.list(state.getParent())) {
            java.nio.file.Path aside = files.filter(p -> p.getFileName().toString().startsWith("state.json.corrupt-")).findFirst().orElseThrow();
            assertEquals("{\"records\": {oops", Files.readString(aside));
        }
    }

    @Test
    void theTmuxBackendAnswersInTheThreadFromAWindowOnThePrivateServer() throws Exception {
        w = new ServeWorld("", "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
        byte[] expertBefore = Files.readAllBytes(w.world.sandbox.transcript(w.project, w.expert));
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        PostedMessage first = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread), ServeWorld.WAIT);
        assertFalse(first.content().startsWith("⚠️"), first.content());
        w.awaitBot(thread, "what is the settlement time?");
        String fork = forkOf(thread);
        assertNotEquals(w.expert, fork);
        assertTrue(w.world.tmux("list-windows", "-F", "#{window_name}").contains("payments-"), "a fork window on the private server");
        assertFalse(defaultServerWindows().contains("payments-"), "nothing on the default tmux server");
        w.post(thread, w.alice, "and the amounts?");
        w.awaitBot(thread, "and the amounts?");
        assertEquals(fork, forkOf(thread), "the follow-up is answered by the same fork");
        w.post(thread, w.alice, "!done");
        w.awaitBot(thread, "✅ Closed");
        assertFalse(w.world.tmux("list-windows", "-F", "#{window_name}").contains("payments-"), "closing kills the window");
        assertTrue(java.util.Arrays.equals(expertBefore, Files.readAllBytes(w.world.sandbox.transcript(w.project, w.expert))),
                "the expert's transcript is untouched");
    }

    /** Every window name on the user's default tmux server, if one runs ("" when none does). */
    private static String defaultServerWindows() throws Exception {
        Process p = new ProcessBuilder("tmux", "list-windows", "-a", "-F", "#{window_name}").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : "";
    }
}
