package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pty4j.PtyProcess;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.testkit.Eventually;
import dev.agenttunnel.testkit.Reply;
import dev.agenttunnel.testkit.Scripts;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --backend tmux} end to end, around the fork windows: the reaper closing idle ones, {@code forget --all}
 * while the daemon runs, and {@code watch} as the owner runs it in a terminal — real tmux, real interactive claude
 * against the fake API, real JDA against the Discord emulator.
 */
class ServeTmuxEndToEndTest {
    ServeWorld w;

    @AfterEach
    void close() {
        if (w != null) {
            w.close();
        }
    }

    private void startTmuxDaemon(String limits) throws Exception {
        w = new ServeWorld(limits, "");
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
        w.startDaemon();
        w.world.api.scriptMain(Scripts.echo());
    }

    private ThreadStore store() throws Exception {
        return new ThreadStore(w.settings().tunnel().statePath());
    }

    private List<String> windows() {
        return w.world.tmux("list-windows", "-t", "=" + w.world.tmuxSession, "-F", "#{window_name}").lines().toList();
    }

    private Optional<String> forkWindow() {
        return windows().stream().filter(name -> name.startsWith("payments-")).findFirst();
    }

    @Test
    void anIdleWindowIsReapedAndTheNextFollowUpResumesTheSameForkColdWithItsContext() throws Exception {
        startTmuxDaemon("pane_idle_ttl_min = 0.05\n"); // 3 s: time to see the window before it goes
        String thread = w.openThread(w.alice, "payments what is the settlement time?");
        w.awaitBot(thread, "what is the settlement time?");
        String fork = Eventually.await(ServeWorld.WAIT, "the fork recorded", () -> store().get("th:" + thread)
                .map(r -> r.forkSessionId()).filter(f -> !f.isEmpty()));
        String window = forkWindow().orElseThrow(() -> new AssertionError("no fork window: " + windows()));
        assertEquals(window, store().get("th:" + thread).orElseThrow().tmuxWindow());

        Eventually.await(ServeWorld.WAIT, "the idle window reaped", () -> !windows().contains(window));
        Eventually.await(ServeWorld.WAIT, "tmux_window cleared", () -> store().get("th:" + thread).orElseThrow().tmuxWindow().isEmpty());
        assertEquals(fork, store().get("th:" + thread).orElseThrow().forkSessionId(), "the fork is kept");
        assertTrue(w.world.cli("forks", "--json").out().contains("\"status\": \"idle\""), w.world.cli("forks", "--json").out());

        w.post(thread, w.alice, "and the amounts?");
        w.awaitBot(thread, "and the amounts?");
        assertEquals(fork, store().get("th:" + thread).orElseThrow().forkSessionId(), "the same fork, resumed cold");
        assertTrue(w.world.api.mainRequests().getLast().allText().contains("what is the settlement time?"), "with its context");
        assertTrue(windows().contains(window), "a window again: " + windows());
    }

    @Test
    void killingTheWindowOrTheServerMidTurnIsToldInTheThreadAndTheNextQuestionWorks() throws Exception {
        startTmuxDaemon("");
        w.world.api.scriptMain(request -> request.lastUserText().contains("slow")
                ? Reply.delayed(Duration.ofSeconds(30), Reply.text("too late"))
                : Reply.text("echo: " + request.lastUserText()));
        String thread = w.openThread(w.alice, "payments slow one");
        w.world.api.awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains("slow one"), ServeWorld.WAIT);
        w.world.tmux("kill-window", "-t", "=" + w.world.tmuxSession + ":=" + forkWindow().orElseThrow());
        w.awaitBot(thread, "⚠️ The fork's tmux window was closed before claude answered");
        w.post(thread, w.alice, "are you back?");
        w.awaitBot(thread, "are you back?");

        w.post(thread, w.alice, "slow two");
        w.world.api.awaitRequest(r -> r.isMainConversation() && r.lastUserText().contains("slow two"), ServeWorld.WAIT);
        w.world.tmux("kill-server");
        w.awaitBot(thread, "(the private tmux server `" + w.world.tmuxSession + "` is gone too)");
        w.post(thread, w.alice, "and now?");
        w.awaitBot(thread, "and now?");
        assertTrue(forkWindow().isPresent(), "the server and the window are back: " + windows());
    }

    @Test
    void aThreadKeepsTheTmuxBackendItWasBoundUnderAfterTheDefaultTurnsHeadless() throws Exception {
        startTmuxDaemon("");
        String thread = w.openThread(w.alice, "payments first");
        w.awaitBot(thread, "first");
        String fork = Eventually.await(ServeWorld.WAIT, "the fork recorded", () -> store().get("th:" + thread)
                .map(r -> r.forkSessionId()).filter(f -> !f.isEmpty()));
        w.stopDaemon();
        assertTrue(forkWindow().isEmpty(), "the stopped daemon closed its window: " + windows());
        Files.writeString(w.world.config, Files.readString(w.world.config).replace("backend = \"tmux\"\n", ""));
        w.startDaemon();

        w.post(thread, w.alice, "second");
        w.awaitBot(thread, "second");
        assertEquals(fork, store().get("th:" + thread).orElseThrow().forkSessionId());
        assertTrue(forkWindow().isPresent(), "answered in a tmux window again: " + windows());
        String other = w.openThread(w.bob, "payments new thread");
        w.awaitBot(other, "new thread");
        assertEquals(dev.agenttunnel.core.config.Backend.HEADLESS, store().get("th:" + other).orElseThrow().backend().orElseThrow(),
                "new threads take the new default");
    }

    @Test
    void forgetAllWhileTheDaemonRunsLeavesNoWindowAndNoBinding() throws Exception {
        startTmuxDaemon("");
        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "hello");
        String window = forkWindow().orElseThrow(() -> new AssertionError("no fork window: " + windows()));
        assertTrue(w.world.cli("status").out().contains("window=" + window + " (live)"), w.world.cli("status").describe());

        TunnelWorld.CliResult forgot = w.world.cli("forget", "--all");

        assertEquals(0, forgot.code(), forgot.describe());
        assertEquals("", forgot.err(), forgot.describe());
        assertTrue(forkWindow().isEmpty(), "windows left: " + windows());
        assertTrue(store().all().isEmpty());
        int calls = w.world.api.mainRequests().size();
        w.post(thread, w.alice, "hello again");
        w.awaitBot(thread, "thread is closed");
        assertEquals(calls, w.world.api.mainRequests().size());
        assertTrue(forkWindow().isEmpty(), "nothing relaunched: " + windows());
        assertTrue(store().all().isEmpty(), "nothing resurrected");
    }

    @Test
    void watchUnderAPseudoTerminalShowsTheForksWindowAndDetachingLeavesItRunning() throws Exception {
        startTmuxDaemon("");
        String thread = w.openThread(w.alice, "payments hello");
        w.awaitBot(thread, "hello");
        String window = forkWindow().orElseThrow(() -> new AssertionError("no fork window: " + windows()));

        PtyProcess watch = w.world.atTerminal("watch");
        try {
            TerminalScreen screen = new TerminalScreen(watch.getInputStream());
            screen.await(ServeWorld.WAIT, text -> text.contains(window), "the fork's window in the status line");
            Eventually.await(ServeWorld.WAIT, "a client attached to the private server",
                    () -> !w.world.tmux("list-clients", "-t", "=" + w.world.tmuxSession).isBlank());
            watch.getOutputStream().write(new byte[] {2, 'd'}); // C-b d: detach
            watch.getOutputStream().flush();
            assertTrue(watch.waitFor(ServeWorld.WAIT.toSeconds(), TimeUnit.SECONDS), "watch ended after detaching");
            assertEquals(0, watch.exitValue(), screen.text());
            assertTrue(windows().contains(window), "the fork keeps running: " + windows());
        } finally {
            watch.destroyForcibly();
        }
    }

    /**
     * The private server holds forks only (no shell window); {@code watch} opens on the fork a colleague used last; and
     * {@code rename} renames the live windows of the handle's threads while the daemon runs, which keeps answering in
     * the same (renamed) window.
     */
    @Test
    void watchOpensOnTheForkUsedLastAndRenameRenamesLiveWindowsTheDaemonGoesOnUsing() throws Exception {
        startTmuxDaemon("");
        String first = w.openThread(w.alice, "payments first question");
        w.awaitBot(first, "first question");
        String second = w.openThread(w.bob, "payments second question");
        w.awaitBot(second, "second question");
        w.post(first, w.alice, "first again");
        w.awaitBot(first, "first again");
        Eventually.await(ServeWorld.WAIT, "the first thread recorded as used last", () -> store().get("th:" + first).orElseThrow()
                .lastUsed() > store().get("th:" + second).orElseThrow().lastUsed());
        String firstWindow = store().get("th:" + first).orElseThrow().tmuxWindow();
        String secondWindow = store().get("th:" + second).orElseThrow().tmuxWindow();
        assertEquals(java.util.Set.of(firstWindow, secondWindow), java.util.Set.copyOf(windows()), "only the forks' windows, no shell");

        PtyProcess watch = w.world.atTerminal("watch");
        try {
            TerminalScreen screen = new TerminalScreen(watch.getInputStream());
            // The status line marks the current window with '*'.
            screen.await(ServeWorld.WAIT, text -> text.contains(firstWindow + "*"), "the first thread's window current");
            assertEquals(List.of(firstWindow), w.world.tmux("list-windows", "-t", "=" + w.world.tmuxSession, "-F",
                    "#{window_active} #{window_name}").lines().filter(l -> l.startsWith("1 ")).map(l -> l.substring(2)).toList(),
                    "watch opens on the fork used last");
            watch.getOutputStream().write(new byte[] {2, 'd'}); // C-b d: detach
            watch.getOutputStream().flush();
            assertTrue(watch.waitFor(ServeWorld.WAIT.toSeconds(), TimeUnit.SECONDS), "watch ended after detaching: " + screen.text());
        } finally {
            watch.destroyForcibly();
        }

        List<String> idsBefore = windowIds();
        TunnelWorld.CliResult renamed = w.world.cli("rename", "payments", "Billing Team");

        assertEquals(0, renamed.code(), renamed.describe());
        assertTrue(renamed.out().contains("'billing-team'") && renamed.out().contains("2 tmux window(s)"), renamed.describe());
        String firstRenamed = dev.agenttunnel.tmux.WindowNames.of("billing-team", "th:" + first);
        String secondRenamed = dev.agenttunnel.tmux.WindowNames.of("billing-team", "th:" + second);
        assertEquals(java.util.Set.of(firstRenamed, secondRenamed), java.util.Set.copyOf(windows()));
        assertTrue(w.world.cli("status").out().contains("window=" + firstRenamed + " (live)"), w.world.cli("status").describe());

        w.post(first, w.alice, "after the rename");
        w.awaitBot(first, "after the rename");
        assertEquals(idsBefore, windowIds(), "answered warm in the same, renamed window");
        Eventually.await(ServeWorld.WAIT, "the new name kept in state.json",
                () -> store().get("th:" + first).orElseThrow().tmuxWindow().equals(firstRenamed));
        assertEquals(java.util.Set.of(firstRenamed, secondRenamed), java.util.Set.copyOf(windows()));
    }

    private List<String> windowIds() {
        return w.world.tmux("list-windows", "-t", "=" + w.world.tmuxSession, "-F", "#{window_id}").lines().sorted().toList();
    }

    @Test
    void watchWithoutAServerSaysWhereForksComeFrom() throws Exception {
        w = new ServeWorld("", "");
        TunnelWorld.CliResult r = w.world.cli("watch");
        assertEquals(ExitCodes.REFUSED, r.code(), r.describe());
        assertTrue(r.err().contains("No fork windows to watch yet") && r.err().contains("--backend tmux"), r.describe());
    }
}
