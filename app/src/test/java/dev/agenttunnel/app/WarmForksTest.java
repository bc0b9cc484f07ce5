package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.fork.ForkProcesses;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.RecordedRequest;
import dev.agenttunnel.testkit.Scripts;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Warm forks, end to end (real JDA ↔ emulator ↔ daemon ↔ real claude ↔ fake API): a headless thread's follow-ups go to
 * the same running claude; it is closed when idle or when too many are warm, and restarted, same fork, when the level
 * changes or it died; its process tree goes with the thread. Which claude answered is read off the processes marked
 * with the thread ({@link ForkProcesses}).
 */
class WarmForksTest {
    private ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private void start(String limits) throws Exception {
        w = new ServeWorld(limits, "");
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
    }

    private static long warmPid(String thread) throws Exception {
        return Eventually.await(ServeWorld.WAIT, "a warm claude for " + thread, () -> {
            List<ProcessHandle> found = ForkProcesses.ofThread("th:" + thread);
            return found.size() == 1 ? java.util.Optional.of(found.getFirst().pid()) : java.util.Optional.<Long>empty();
        });
    }

    private static void awaitCold(String thread) throws Exception {
        Eventually.await(ServeWorld.WAIT, "no claude left for " + thread, () -> ForkProcesses.ofThread("th:" + thread).isEmpty());
    }

    private String fork(String thread) throws Exception {
        return Eventually.await(ServeWorld.WAIT, "the fork recorded", () -> new ThreadStore(w.settings().tunnel().statePath())
                .get("th:" + thread).map(r -> r.forkSessionId()).filter(f -> !f.isEmpty()));
    }

    private RecordedRequest asked(String question) {
        return w.world.api.awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains(question), ServeWorld.WAIT);
    }

    @Test
    void aFollowUpGoesToTheSameRunningClaudeWithItsContext() throws Exception {
        start("");
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        w.awaitBot(thread, "what is the settlement time?");
        long pid = warmPid(thread);
        String fork = fork(thread);

        w.post(thread, w.alice, "and the amounts?");
        w.awaitBot(thread, "and the amounts?");
        assertEquals(pid, warmPid(thread), "the same claude answered");
        assertTrue(asked("and the amounts?").allText().contains("what is the settlement time?"), "with the context");
        assertEquals(fork, fork(thread), "the same fork");
        assertTrue(w.world.cli("forks", "--json").out().contains("\"status\": \"warm\""), w.world.cli("forks", "--json").out());

        w.post(thread, w.alice, "!done");
        w.awaitBot(thread, "Closed");
        awaitCold(thread);
    }

    @Test
    void idleAndLeastRecentlyUsedClaudesCloseAndTheNextTurnResumesTheForkCold() throws Exception {
        start("max_warm_forks = 1\nwarm_idle_ttl_min = 0.05\n"); // 3 s
        String first = w.openThread(w.alice, "payments first thread");
        w.awaitBot(first, "first thread");
        warmPid(first);
        String second = w.openThread(w.bob, "payments second thread");
        w.awaitBot(second, "second thread");
        warmPid(second);
        awaitCold(first); // one warm claude at most: the least recently used went

        w.post(first, w.alice, "back to the first");
        w.awaitBot(first, "back to the first");
        assertTrue(asked("back to the first").allText().contains("first thread"), "resumed cold, with its context");
        awaitCold(second);
        awaitCold(first); // and idle ones close after the TTL
    }

    @Test
    void aLevelChangeRestartsTheClaudeWithTheNewToolsOnTheSameFork() throws Exception {
        start("");
        String thread = w.openThread(w.alice, "payments read only");
        w.awaitBot(thread, "read only");
        long pid = warmPid(thread);
        String fork = fork(thread);
        assertEquals(Set.of("Glob", "Grep", "Read"), tools(asked("read only")));

        w.share(">share --write payments");
        w.post(thread, w.alice, "now with write");
        w.awaitBot(thread, "now with write");
        assertNotEquals(pid, warmPid(thread), "a new claude, with the new flags");
        assertTrue(tools(asked("now with write")).containsAll(Set.of("Write", "Edit")));
        assertEquals(fork, fork(thread), "the same fork");
        assertTrue(asked("now with write").allText().contains("read only"), "with its context");
    }

    @Test
    void aKilledClaudeIsStartedAgainForTheNextTurnAndTheShutdownLeavesNone() throws Exception {
        start("");
        String thread = w.openThread(w.alice, "payments first question");
        w.awaitBot(thread, "first question");
        long pid = warmPid(thread);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        awaitCold(thread);

        w.post(thread, w.alice, "still there?");
        w.awaitBot(thread, "still there?");
        assertNotEquals(pid, warmPid(thread));
        assertTrue(w.discord.messagesIn(thread).stream().noneMatch(m -> m.byBot() && m.content().contains("⚠️")),
                "the colleague was not bothered");
        w.stopDaemon();
        awaitCold(thread);
    }

    @Test
    void forgetFromTheCommandLineStopsTheWarmClaudeAtOnce() throws Exception {
        start("");
        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "hello");
        warmPid(thread);
        TunnelWorld.CliResult forget = w.world.cli("forget", "--thread", "th:" + thread);
        assertEquals(0, forget.code(), forget.describe());
        awaitCold(thread);
    }

    private static Set<String> tools(RecordedRequest request) {
        Set<String> tools = new TreeSet<>(request.toolNames());
        tools.remove("DeferredToolPlaceholder");
        return tools;
    }
}
