package dev.agenttunnel.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatUser;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryJson;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The actor tree with our own ports faked: chat in, turns out, in order. */
class BridgeTest {
    static final String CHANNEL = "100";
    static final ChatUser ALICE = new ChatUser("1", "Alice", List.of("7"), false);
    static final ChatUser BOB = new ChatUser("2", "Bob", List.of(), false);

    @TempDir
    Path dir;
    Path project;
    Registry registry;
    ThreadStore store;
    RecordingChat chat;
    ScriptedForks forks;
    dev.agenttunnel.core.store.QuestionJournal journal;
    java.util.concurrent.ExecutorService blockingIo;
    Bridge.Running bridge;
    int messages;
    int starts;
    final MovableClock clock = new MovableClock();

    @BeforeEach
    void setUp() throws Exception {
        project = Files.createDirectories(dir.resolve("project"));
        registry = new Registry(dir.resolve("registry.json"));
        store = new ThreadStore(dir.resolve("state.json"));
        publish("payments", "expert-1", AccessLevel.READ);
        start("");
    }

    @AfterEach
    void tearDown() throws Exception {
        bridge.stop().toCompletableFuture().join();
        stopFileWork();
    }

    /** The bridge's file work (journal, marks, bindings) ends before the temp dir goes. */
    private void stopFileWork() throws InterruptedException {
        journal.close();
        blockingIo.shutdown();
        blockingIo.awaitTermination(10, TimeUnit.SECONDS);
    }

    void publish(String handle, String session, AccessLevel level) throws Exception {
        registry.update(root -> {
            RegistryJson.put(root, new RegistryRecord(handle, session, project.toString(), "", level, handle, "", 1.0, false));
            return null;
        });
    }

    void start(String extraConfig) throws Exception {
        Settings settings = ConfigLoader.fromConfig(ConfigFactory.parseString("""
                tunnel.state_path = "%s"
                tunnel.registry_path = "%s"
                discord.channel_ids = [100]
                limits.per_user_cooldown_s = 0
                """.formatted(store.path(), registry.path()) + extraConfig).withFallback(ConfigLoader.defaults()),
                dir.resolve("config.toml"), new Environment(Map.of("HOME", dir.toString()), dir));
        chat = new RecordingChat(9000 + 1000L * starts++);
        forks = new ScriptedForks();
        ForkBackends shared = BridgeDeps.shared(Map.of(Backend.HEADLESS, forks));
        ForkBackends backends = new ForkBackends() {
            @Override
            public dev.agenttunnel.core.fork.ForkBackend forThread(Backend backend, String handle, String threadKey) {
                return shared.forThread(backend, handle, threadKey);
            }

            @Override
            public boolean reap(Backend backend, String threadKey) {
                return forks.reap(threadKey);
            }
        };
        if (journal != null) {
            stopFileWork(); // the previous bridge's
        }
        journal = new dev.agenttunnel.core.store.QuestionJournal(dir.resolve("journal.jsonl"));
        blockingIo = Executors.newVirtualThreadPerTaskExecutor();
        var owed = journal.pending();
        journal.compact();
        BridgeDeps deps = new BridgeDeps(chat, registry, store, journal,
                backends, settings,
                dev.agenttunnel.core.claude.ClaudeCommand.of(settings, dev.agenttunnel.core.Environment.current()),
                new dev.agenttunnel.core.attachments.OfficeConverter(settings.attachments(), dev.agenttunnel.core.Environment.current()),
                blockingIo, clock, "999");
        bridge = Bridge.start(deps, "bridge-test", ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        if (!owed.isEmpty()) {
            bridge.replay(owed); // as serve does once connected
        }
    }

    /** Stops the bridge and starts a new one on the same files with {@code extraConfig}. */
    void restart(String extraConfig) throws Exception {
        bridge.stop().toCompletableFuture().join();
        start(extraConfig);
    }

    /** Posts {@code text}; a thread is one the bridge opened (its owner is the bot). */
    String say(ChatUser who, String channel, ChatEvent.ChannelKind kind, String text) {
        return say(who, channel, kind, text, kind == ChatEvent.ChannelKind.THREAD ? "999" : "");
    }

    String say(ChatUser who, String channel, ChatEvent.ChannelKind kind, String text, String threadOwner) {
        String id = "m" + (++messages);
        bridge.gateway().accept(new ChatEvent(id, channel, kind, kind == ChatEvent.ChannelKind.THREAD ? CHANNEL : "", who, text, List.of(),
                threadOwner));
        return id;
    }

    /** Opens a thread with a question; returns the thread's id. */
    String open(String text) throws Exception {
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, text);
        RecordingChat.Call thread = chat.await(c -> c.kind().equals("thread"), Duration.ofSeconds(10));
        return thread.text().substring(thread.text().lastIndexOf(' ') + 1);
    }

    /** The fork id is recorded beside posting the answer: poll the store with a deadline. */
    void awaitFork(String thread, String fork) throws Exception {
        String key = thread.startsWith("dm-") ? "dm:" + thread : "th:" + thread;
        dev.agenttunnel.testkit.Eventually.await(Duration.ofSeconds(10), "fork " + fork + " recorded for " + key,
                () -> store.get(key).map(r -> r.forkSessionId().equals(fork)).orElse(false));
    }

    @Test
    void attachedFilesAreListedForTheForkAndWhatItLeavesInItsOutboxIsPostedAfterTheAnswer() throws Exception {
        publish("payments", "expert-1", AccessLevel.WRITE);
        bridge.gateway().accept(new ChatEvent("m" + (++messages), CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "", ALICE,
                "payments see these", List.of(new ChatAttachment("../notes.txt", 5, "hello"),
                        new ChatAttachment("big.bin", 1L << 40, "not downloaded"))));
        RecordingChat.Call opened = chat.await(c -> c.kind().equals("thread"), Duration.ofSeconds(10));
        String thread = opened.text().substring(opened.text().lastIndexOf(' ') + 1);
        ScriptedForks.Turn turn = forks.awaitTurn(1);
        String question = turn.request.question();
        java.util.regex.Matcher listed = java.util.regex.Pattern.compile("^- (/.+)$", java.util.regex.Pattern.MULTILINE).matcher(question);
        assertTrue(listed.find(), question);
        Path saved = Path.of(listed.group(1));
        assertEquals(dev.agenttunnel.core.turn.TurnFolders.uploadsDir(dir, "th:" + thread), saved.getParent().getParent());
        assertEquals("notes.txt", saved.getFileName().toString());
        assertEquals("hello", Files.readString(saved));
        assertTrue(question.startsWith("Relayed message — Alice (via Discord) says:\nA teammate attached"), question);
        Path outbox = turn.request.turn().outbox().orElseThrow();
        assertTrue(question.contains("save it in " + outbox), question);
        chat.awaitPost(thread, "⚠️ Skipped: big.bin (1048576.0 MB, over 24.0 MB)");

        Files.writeString(outbox.resolve("result.md"), "the result");
        turn.answer("fork-1", "done");
        chat.awaitPost(thread, "done");
        RecordingChat.Call delivered = chat.await(c -> c.kind().equals("post") && !c.files().isEmpty(), Duration.ofSeconds(10));
        assertEquals("📎 Deliverable(s) from the agent:", delivered.text());
        assertEquals(List.of("result.md"), delivered.files().stream().map(f -> f.name()).toList());

        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "again");
        forks.awaitTurn(2).answer("fork-1", "nothing new");
        chat.awaitPost(thread, "nothing new");
        chat.expectNone(c -> !c.files().isEmpty(), Duration.ofMillis(300));
        assertEquals(1, chat.count(c -> !c.files().isEmpty()), "an unchanged deliverable is not posted again");
    }

    @Test
    void aQuestionWhileATurnRunsIsQueuedWithANoticeButNotOnceTheAnswerIsBeingPosted() throws Exception {
        String thread = open("payments first");
        ScriptedForks.Turn first = forks.awaitTurn(1);
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "second");
        chat.awaitPost(thread, "Still working on the previous question");
        chat.holdPosts(text -> text.equals("first answer"));
        first.answer("fork-1", "first answer");
        chat.awaitPost(thread, "first answer");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "third");
        chat.expectNone(c -> c.text().contains("Still working"), Duration.ofMillis(500));
        chat.releasePosts();
        forks.awaitTurn(2).answer("fork-1", "second answer");
        chat.awaitPost(thread, "second answer");
        assertEquals("Relayed message — Alice (via Discord) says:\nthird", forks.awaitTurn(3).request.question());
        assertEquals(1, chat.count(c -> c.text().contains("Still working")), "the answer was already visible when 'third' came");
    }

    @Test
    void anIdleWindowIsReapedAfterItsTtlAndTheNextQuestionStillRuns() throws Exception {
        restart("limits.pane_idle_ttl_min = 0.005"); // 300 ms
        forks.window = "payments-0001";
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        awaitFork(thread, "fork-1");
        assertEquals("payments-0001", store.get("th:" + thread).orElseThrow().tmuxWindow(), "the window is recorded");
        assertEquals("th:" + thread, forks.awaitReap(1));
        dev.agenttunnel.testkit.Eventually.await(Duration.ofSeconds(10), "the reaped window cleared from state.json",
                () -> store.get("th:" + thread).map(r -> r.tmuxWindow().isEmpty()).orElse(false));
        assertEquals("fork-1", store.get("th:" + thread).orElseThrow().forkSessionId(), "the fork is kept");

        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "second");
        ScriptedForks.Turn second = forks.awaitTurn(2);
        assertEquals("fork-1", second.request.turn().resumeId());
        forks.expectNoReap(Duration.ofMillis(900)); // three TTLs with a turn running
        second.answer("fork-1", "two");
        assertEquals("th:" + thread, forks.awaitReap(2));
    }

    @Test
    void aThreadWhoseBackendThisDaemonCannotRunIsToldSoAndGivesItsPermitBack() throws Exception {
        restart("limits.max_concurrent = 1");
        String headless = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        awaitFork(headless, "fork-1");
        restart("tunnel.backend = \"tmux\"\nlimits.max_concurrent = 1"); // new threads are tmux, which this bridge lacks

        String tmux = open("payments second");
        chat.awaitPost(tmux, "⚠️ This thread cannot be answered here: the tmux backend is not available in this daemon");
        say(ALICE, headless, ChatEvent.ChannelKind.THREAD, "still there?");
        forks.awaitTurn(1).answer("fork-1", "yes"); // the only permit is free again
        chat.awaitPost(headless, "yes");
    }

    @Test
    void forksWithoutAWindowAreNeverReaped() throws Exception {
        restart("limits.pane_idle_ttl_min = 0.005");
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        chat.awaitPost(thread, "one");
        forks.expectNoReap(Duration.ofMillis(900));
    }

    @Test
    void opensAThreadNamedForTheQuestionAndAnswersInIt() throws Exception {
        String thread = open("payments what is X?");
        assertTrue(chat.calls().stream().anyMatch(c -> c.kind().equals("thread") && c.text().startsWith("payments: what is X?")));
        ScriptedForks.Turn turn = forks.awaitTurn(1);
        assertEquals("Relayed message — Alice (via Discord) says:\nwhat is X?", turn.request.question());
        assertEquals("expert-1", turn.request.turn().resumeId());
        assertTrue(turn.request.turn().forkSession());
        turn.answer("fork-1", "X is the settlement batch.");
        chat.awaitPost(thread, "X is the settlement batch.");
        awaitFork(thread, "fork-1");

        say(BOB, thread, ChatEvent.ChannelKind.THREAD, "and Y?");
        ScriptedForks.Turn second = forks.awaitTurn(2);
        assertEquals("fork-1", second.request.turn().resumeId());
        assertFalse(second.request.turn().forkSession());
        assertTrue(second.request.question().startsWith("Relayed message — Bob (via Discord) says:"));
    }

    @Test
    void aFollowUpSentAsTheThreadAppearsIsAnsweredInThatThreadsOneConversation() throws Exception {
        chat.holdThreads(); // the follow-up arrives before Discord's answer to the thread's creation, and its binding
        String opener = say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments first");
        chat.await(c -> c.kind().equals("thread"), Duration.ofSeconds(10));
        say(BOB, opener, ChatEvent.ChannelKind.THREAD, "second, right away");
        chat.releaseThreads();
        say(BOB, opener, ChatEvent.ChannelKind.THREAD, "third, as the binding is written");

        ScriptedForks.Turn first = forks.awaitTurn(1);
        assertTrue(first.request.question().endsWith("\nfirst"), first.request.question());
        first.answer("fork-1", "one");
        ScriptedForks.Turn second = forks.awaitTurn(2);
        assertTrue(second.request.question().endsWith("\nsecond, right away"), second.request.question());
        assertEquals("fork-1", second.request.turn().resumeId(), "the same conversation: the first turn's fork");
        second.answer("fork-1", "two");
        ScriptedForks.Turn third = forks.awaitTurn(3);
        assertTrue(third.request.question().endsWith("\nthird, as the binding is written"), third.request.question());
        third.answer("fork-1", "three");
        chat.awaitPost(opener, "three");
        assertEquals(3, forks.started());
    }

    @Test
    void aSecondQuestionWaitsItsTurnAndIsToldSo() throws Exception {
        String thread = open("payments first");
        ScriptedForks.Turn first = forks.awaitTurn(1);
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "second");
        chat.awaitPost(thread, "this one comes next");
        assertEquals(1, forks.started());
        first.answer("fork-1", "one");
        forks.awaitTurn(2).answer("fork-1", "two");
        chat.awaitPost(thread, "two");
        List<String> posts = chat.calls().stream().filter(c -> c.kind().equals("post") && c.channelId().equals(thread)).map(RecordingChat.Call::text).toList();
        assertTrue(posts.indexOf("one") < posts.indexOf("two"), posts.toString());
    }

    @Test
    void doneClosesTheThreadAndLaterMessagesAreNotAnswered() throws Exception {
        String thread = open("payments hi");
        forks.awaitTurn(1).answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, " !DONE ");
        chat.awaitPost(thread, "✅ Closed");
        assertTrue(store.get("th:" + thread).isEmpty());
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "are you there?");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "!list");
        chat.awaitPost(CHANNEL, "Available handles");
        assertEquals(1, forks.started(), "a closed thread gets no turn");
    }

    @Test
    void sideChatBotsAndStrangersAreIgnored() throws Exception {
        restart("discord.allowed_user_ids = [1]");
        String thread = open("payments hi");
        forks.awaitTurn(1).answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "<@555> what do you think?");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "@here lunch?");
        say(BOB, thread, ChatEvent.ChannelKind.THREAD, "I am not allowed");
        say(new ChatUser("3", "bot", List.of(), true), thread, ChatEvent.ChannelKind.THREAD, "beep");
        say(BOB, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments let me in");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "<@999> real question");
        ScriptedForks.Turn turn = forks.awaitTurn(2);
        assertTrue(turn.request.question().endsWith("\nreal question"), turn.request.question());
        assertEquals(1, chat.count(c -> c.kind().equals("thread")));
    }

    @Test
    void anUnknownBareHandleGetsAReplyAndChatterGetsNothing() throws Exception {
        String id = say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "nosuch");
        RecordingChat.Call reply = chat.await(c -> c.kind().equals("reply"), Duration.ofSeconds(10));
        assertEquals(id, reply.messageId());
        assertTrue(reply.text().contains("No live session") && reply.text().contains("`nosuch`"));
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "ops is down again");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "!handles");
        chat.awaitPost(CHANNEL, "`payments`");
        assertEquals(1, chat.count(c -> c.kind().equals("reply")));
    }

    @Test
    void failuresAreReportedAndTheThreadGoesOn() throws Exception {
        String thread = open("payments hi");
        forks.awaitTurn(1).fail("claude exited with code 1: boom");
        chat.awaitPost(thread, "⚠️ claude exited with code 1: boom");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "again");
        forks.awaitTurn(2).answer("fork-2", "fine now");
        chat.awaitPost(thread, "fine now");
    }

    @Test
    void fullAccessWithoutTheGateIsRefusedInTheThread() throws Exception {
        publish("root", "expert-2", AccessLevel.ALL);
        String thread = open("root rm -rf?");
        chat.awaitPost(thread, "allow_skip_permissions");
        assertEquals(0, forks.started());
    }

    @Test
    void theAccessLevelIsReReadEveryTurn() throws Exception {
        String thread = open("payments hi");
        ScriptedForks.Turn first = forks.awaitTurn(1);
        assertEquals(AccessLevel.READ, first.request.turn().access());
        first.answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        publish("payments", "expert-1", AccessLevel.WRITE);
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "now edit");
        assertEquals(AccessLevel.WRITE, forks.awaitTurn(2).request.turn().access());
        assertEquals(AccessLevel.WRITE, store.get("th:" + thread).orElseThrow().access());
    }

    @Test
    void longAnswersAreChunkedOrAttached() throws Exception {
        String thread = open("payments long");
        String threeK = "a".repeat(1500) + "\n" + "b".repeat(1500);
        forks.awaitTurn(1).answer("fork-1", threeK);
        chat.awaitPost(thread, "b".repeat(1500));
        assertTrue(chat.calls().stream().anyMatch(c -> c.kind().equals("post") && c.text().equals("a".repeat(1500))));
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "longer");
        String sevenK = ("c".repeat(999) + "\n").repeat(7);
        forks.awaitTurn(2).answer("fork-1", sevenK);
        RecordingChat.Call attached = chat.await(c -> !c.files().isEmpty(), Duration.ofSeconds(10));
        assertEquals("answer.md", attached.files().getFirst().name());
        assertEquals(sevenK, new String(attached.files().getFirst().content(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(attached.text().length() <= 2000);
    }

    @Test
    void afterARestartAFollowUpResumesTheSameFork() throws Exception {
        String thread = open("payments hi");
        forks.awaitTurn(1).answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        restart("");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "still there?");
        ScriptedForks.Turn turn = forks.awaitTurn(1);
        assertEquals("fork-1", turn.request.turn().resumeId());
        assertFalse(turn.request.turn().forkSession());
    }

    @Test
    void shutdownStopsRunningTurnsAndTellsTheirThreads() throws Exception {
        // (the restarted bridge answers it: see aQuestionStoppedByAShutdownIsAnsweredOnceAfterTheRestart…)
        String thread = open("payments slow one");
        ScriptedForks.Turn turn = forks.awaitTurn(1);
        bridge.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(turn.cancelledBecause != null && turn.cancelledBecause.contains("shutting down"));
        chat.awaitPost(thread, "shutting down");
        start("");
    }

    @Test
    void aQuestionStoppedByAShutdownIsAnsweredOnceAfterTheRestartAndQueuedOnesToo() throws Exception {
        String thread = open("payments slow one");
        forks.awaitTurn(1);
        say(BOB, thread, ChatEvent.ChannelKind.THREAD, "and a queued one");
        chat.awaitPost(thread, "comes next");
        bridge.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        chat.awaitPost(thread, "answered once it is back");

        start("");
        ScriptedForks.Turn again = forks.awaitTurn(1);
        assertTrue(again.request.question().endsWith("\nslow one"), again.request.question());
        again.answer("fork-1", "the slow answer");
        chat.awaitPost(thread, "the slow answer");
        ScriptedForks.Turn queued = forks.awaitTurn(2);
        assertTrue(queued.request.question().endsWith("\nand a queued one"), queued.request.question());
        queued.answer("fork-1", "the queued answer");
        chat.awaitPost(thread, "the queued answer");
        dev.agenttunnel.testkit.Eventually.await(Duration.ofSeconds(10), "nothing left in the journal", () -> journal.pending().isEmpty());
        assertEquals(2, forks.started(), "each asked once");
    }

    @Test
    void anAnswerGivenButNotPostedBeforeAStopIsPostedAfterTheRestartWithoutAskingAgain() throws Exception {
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        chat.awaitPost(thread, "one");
        ChatEvent unseen = new ChatEvent("m77", thread, ChatEvent.ChannelKind.THREAD, CHANNEL, BOB, "what about Y?", List.of());
        journal.accepted(unseen).toCompletableFuture().join();
        journal.answered("m77", "fork-1", "Y is the nightly batch.").toCompletableFuture().join();

        restart("");
        chat.awaitPost(thread, "Y is the nightly batch.");
        dev.agenttunnel.testkit.Eventually.await(Duration.ofSeconds(10), "nothing left in the journal", () -> journal.pending().isEmpty());
        assertEquals(0, forks.started(), "the fork was not asked again");
    }

    @Test
    void theGlobalCapHoldsTurnsBack() throws Exception {
        restart("limits.max_concurrent = 1");
        String a = open("payments one");
        ScriptedForks.Turn first = forks.awaitTurn(1);
        say(BOB, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments two");
        chat.await(c -> c.kind().equals("thread") && c.text().startsWith("payments: two"), Duration.ofSeconds(10));
        assertEquals(1, forks.started());
        first.answer("fork-a", "done a");
        chat.awaitPost(a, "done a");
        forks.awaitTurn(2).answer("fork-b", "done b");
    }

    @Test
    void aRefusedTurnGivesItsPermitBack() throws Exception {
        restart("limits.max_concurrent = 1");
        publish("root", "expert-2", AccessLevel.ALL);
        String refused = open("root first");
        chat.awaitPost(refused, "allow_skip_permissions");
        say(BOB, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments second");
        forks.awaitTurn(1);
    }

    @Test
    void aThreadForgottenFromOutsideIsToldAndNotAnswered() throws Exception {
        String thread = open("payments hi");
        forks.awaitTurn(1).answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        store.remove("th:" + thread);
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "still there?");
        chat.awaitPost(thread, "thread is closed");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "hello?");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "!list");
        chat.awaitPost(CHANNEL, "Available handles");
        assertEquals(1, forks.started());
        assertTrue(store.get("th:" + thread).isEmpty(), "nothing resurrected the binding");
    }

    /**
     * Within a user's cooldown their messages get ⏳ and wait for it: then they are answered, one per cooldown and in
     * order — thread openers and follow-ups alike — while other users are not held up.
     */
    @Test
    void messagesWithinTheCooldownWaitForItAndAreAnsweredInOrder() throws Exception {
        restart("limits.per_user_cooldown_s = 1.5");
        long accepted = System.nanoTime();
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        chat.awaitPost(thread, "one");

        String followUp = say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "second");
        String opener = say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments third");
        for (String waiting : List.of(followUp, opener)) {
            chat.await(c -> c.kind().equals("react") && c.messageId().equals(waiting) && c.text().equals("⏳"), Duration.ofSeconds(10));
        }
        String bobs = say(BOB, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "payments bob's own question");
        chat.await(c -> c.kind().equals("thread") && c.messageId().equals(bobs), Duration.ofSeconds(10));
        ScriptedForks.Turn forBob = forks.awaitTurn(2);
        assertTrue(forBob.request.question().endsWith("\nbob's own question"), "Bob is not held up by Alice's cooldown");
        forBob.answer("fork-2", "for bob");

        ScriptedForks.Turn second = forks.awaitTurn(3);
        long secondAt = System.nanoTime();
        assertTrue(second.request.question().endsWith("\nsecond"), second.request.question());
        assertTrue(secondAt - accepted >= Duration.ofMillis(1500).toNanos(), "answered once the cooldown was over");
        second.answer("fork-1", "two");
        chat.awaitPost(thread, "two");
        chat.await(c -> c.kind().equals("thread") && c.messageId().equals(opener), Duration.ofSeconds(10));
        ScriptedForks.Turn third = forks.awaitTurn(4);
        assertTrue(third.request.question().endsWith("\nthird"), third.request.question());
        assertTrue(System.nanoTime() - secondAt >= Duration.ofMillis(1000).toNanos(), "one per cooldown, not both at once");
        assertEquals(0, chat.count(c -> c.kind().equals("reply")), "nothing was turned away");
    }

    @Test
    void aDirectMessageThatNamesAHandleWithinTheCooldownWaitsAndThenRebinds() throws Exception {
        restart("discord.respond_to_dms = true\nlimits.per_user_cooldown_s = 1.0");
        publish("ops", "expert-ops", AccessLevel.READ);
        say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "payments what is X?");
        forks.awaitTurn(1).answer("fork-p", "X!");
        chat.awaitPost("dm-1", "X!");

        String rebind = say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "ops is it down?");
        chat.await(c -> c.kind().equals("react") && c.messageId().equals(rebind) && c.text().equals("⏳"), Duration.ofSeconds(10));
        assertEquals("payments", store.get("dm:dm-1").orElseThrow().handle(), "a held-back message does not rebind yet");

        assertEquals("expert-ops", forks.awaitTurn(2).request.turn().resumeId());
        assertEquals("ops", store.get("dm:dm-1").orElseThrow().handle());
    }

    @Test
    void aUserWithTooManyMessagesWaitingIsToldSo() throws Exception {
        restart("limits.per_user_cooldown_s = 60");
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        chat.awaitPost(thread, "one");
        for (int i = 0; i < Conversations.HELD_PER_USER; i++) {
            say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "waiting " + i);
        }
        String dropped = say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "one too many");
        RecordingChat.Call told = chat.await(c -> c.kind().equals("reply") && c.messageId().equals(dropped), Duration.ofSeconds(10));
        assertTrue(told.text().contains("not kept") && told.text().contains("60 s"), told.text());
        assertEquals(Conversations.HELD_PER_USER, chat.count(c -> c.kind().equals("react") && c.text().equals("⏳")));
    }

    @Test
    void shutdownTellsTheMessagesWaitingOutTheirCooldown() throws Exception {
        restart("limits.per_user_cooldown_s = 60");
        String thread = open("payments first");
        forks.awaitTurn(1).answer("fork-1", "one");
        chat.awaitPost(thread, "one");
        String waiting = say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "second");
        chat.await(c -> c.kind().equals("react") && c.messageId().equals(waiting) && c.text().equals("⏳"), Duration.ofSeconds(10));

        bridge.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);

        RecordingChat.Call told = chat.await(c -> c.kind().equals("reply") && c.messageId().equals(waiting), Duration.ofSeconds(10));
        assertTrue(told.text().contains("shutting down"), told.text());
        start("");
    }

    /**
     * A question to a handle that is not live is answered with the live handles when it was meant for the bridge: a
     * revoked handle, or a near miss of a live one. Chatter whose first word is no handle (nor close to one) is not.
     */
    @Test
    void aQuestionToARevokedOrMistypedHandleGetsTheLiveHandlesButChatterDoesNot() throws Exception {
        publish("ops-team", "expert-ops", AccessLevel.READ);
        registry.update(root -> {
            RegistryJson.put(root, new RegistryRecord("ledger", "expert-old", project.toString(), "", AccessLevel.READ, "ledger", "",
                    0.5, true));
            return null;
        });
        String typo = say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "paymnets what is X?");
        String revoked = say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "Ledger what is X?");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "ops is down again");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "lunch anyone?");
        say(ALICE, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "Did you see the payments dashboard?");
        say(BOB, CHANNEL, ChatEvent.ChannelKind.TEXT_CHANNEL, "!list");
        chat.awaitPost(CHANNEL, "Available handles");

        RecordingChat.Call toTypo = chat.await(c -> c.kind().equals("reply") && c.messageId().equals(typo), Duration.ofSeconds(10));
        assertTrue(toTypo.text().startsWith("No live session for handle `paymnets`.") && toTypo.text().contains("Did you mean `payments`?")
                && toTypo.text().contains("Live handles: ") && toTypo.text().contains("`ops-team`"), toTypo.text());
        RecordingChat.Call toRevoked = chat.await(c -> c.kind().equals("reply") && c.messageId().equals(revoked), Duration.ofSeconds(10));
        assertTrue(toRevoked.text().startsWith("No live session for handle `ledger`: its owner stopped sharing it.")
                && toRevoked.text().contains("`payments`"), toRevoked.text());
        chat.expectNone(c -> c.kind().equals("reply"), Duration.ofMillis(500));
        assertEquals(2, chat.count(c -> c.kind().equals("reply")), "chatter gets no answer");
        assertEquals(0, chat.count(c -> c.kind().equals("thread")));
    }

    /** After !done, a message in the thread is told it is closed and how to start a new one (once, not to every message). */
    @Test
    void aMessageInAClosedThreadSaysItIsClosedAndHowToStartANewOne() throws Exception {
        String thread = open("payments hi");
        forks.awaitTurn(1).answer("fork-1", "hello");
        chat.awaitPost(thread, "hello");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "!done");
        chat.awaitPost(thread, "✅ Closed");

        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "are you there?");
        RecordingChat.Call told = chat.awaitPost(thread, "This thread is closed");
        assertTrue(told.text().contains("`<handle> your question` in <#" + CHANNEL + ">"), told.text());
        say(BOB, thread, ChatEvent.ChannelKind.THREAD, "hello?");
        say(ALICE, thread, ChatEvent.ChannelKind.THREAD, "<@555> shall we ask again?");
        chat.expectNone(c -> c.text().contains("This thread is closed"), Duration.ofMillis(500));
        assertEquals(1, forks.started(), "a closed thread gets no turn");

        say(ALICE, "other-thread", ChatEvent.ChannelKind.THREAD, "a thread someone else opened", "42");
        chat.expectNone(c -> c.channelId().equals("other-thread"), Duration.ofMillis(500));
    }

    /** The system clock, moved forward by whatever a test adds. */
    static final class MovableClock extends Clock {
        private final java.util.concurrent.atomic.AtomicReference<Duration> ahead = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);

        void advance(Duration by) {
            ahead.accumulateAndGet(by, Duration::plus);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("the bridge only reads instants");
        }

        @Override
        public java.time.Instant instant() {
            return Clock.systemUTC().instant().plus(ahead.get());
        }
    }

    @Test
    void directMessagesBindToAHandleFollowUpAndRebind() throws Exception {
        restart("discord.respond_to_dms = true");
        publish("ops", "expert-ops", AccessLevel.READ);
        say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "hello there");
        chat.awaitPost("dm-1", "Start with a handle");
        say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "payments what is X?");
        ScriptedForks.Turn first = forks.awaitTurn(1);
        assertEquals("expert-1", first.request.turn().resumeId());
        first.answer("fork-p", "X!");
        chat.awaitPost("dm-1", "X!");
        awaitFork("dm-1", "fork-p");
        say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "and Y?");
        ScriptedForks.Turn second = forks.awaitTurn(2);
        assertEquals("fork-p", second.request.turn().resumeId());
        second.answer("fork-p", "Y!");
        chat.awaitPost("dm-1", "Y!");
        say(ALICE, "dm-1", ChatEvent.ChannelKind.DIRECT_MESSAGE, "ops is it down?");
        ScriptedForks.Turn third = forks.awaitTurn(3);
        assertEquals("expert-ops", third.request.turn().resumeId());
        assertTrue(third.request.turn().forkSession(), "a rebind starts a new fork");
        assertEquals("ops", store.get("dm:dm-1").orElseThrow().handle());
    }
}
