package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The private server on the real tmux, each test on a socket of its own. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TmuxServerTest {
    @TempDir
    Path dir;

    private TmuxServer server;

    @BeforeEach
    void setUp() throws Exception {
        Environment env = new Environment(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "HOME", dir.toString(), "SHELL", "/bin/sh", "LANG", "C.UTF-8", "TMUX_TMPDIR", dir.toString()), dir);
        Rig.requireTmux(env);
        server = new TmuxServer("at-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()), env);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.killServer();
        dev.agenttunnel.testkit.PrivateTmux.killServers(dir, Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    @Test
    void theServerStartsWithTheFirstWindowShowsOnlyForksAndEndsWithTheLast() throws Exception {
        assertFalse(server.hasSession());
        server.newWindow("h-th-1", dir, List.of("sleep", "30"));
        assertTrue(server.hasSession());
        server.newWindow("h-th-2", dir, List.of("sleep", "30"));
        assertEquals(List.of("h-th-1", "h-th-2"), names(), "no shell window beside the forks");

        server.killWindow("h-th-1");
        server.killWindow("h-th-2");
        assertFalse(server.hasSession(), "the session ends with its last fork");
        server.newWindow("h-th-3", dir, List.of("sleep", "30"));
        assertEquals(List.of("h-th-3"), names(), "and starts again with the next");
    }

    @Test
    void aWindowIsRenamedAndStillReachedByItsId() throws Exception {
        TmuxServer.Window window = server.newWindow("old-th-1", dir, List.of("/bin/sh", "-c", "echo marker-text; sleep 30"));
        assertTrue(server.renameWindow("old-th-1", "new-th-1"));
        assertEquals(List.of("new-th-1"), names());
        assertFalse(server.renameWindow("old-th-1", "other"), "no window of the old name is left");
        await(() -> server.capture(window.id(), 10).contains("marker-text"), "the window is reached by its id");
        assertTrue(server.renameWindow(window.id(), "newer-th-1"));
        assertEquals(List.of("newer-th-1"), names());
    }

    private List<String> names() throws Exception {
        return server.windows().stream().map(TmuxServer.Window::name).toList();
    }

    @Test
    void windowsRunAnArgvInTheirFolderAndStayAfterTheProgramEnds() throws Exception {
        TmuxServer.Window window = server.newWindow("h-th-1", dir, List.of("/bin/sh", "-c", "pwd; echo 'it''s done'; exit 4"));
        assertTrue(window.id().startsWith("@") && window.paneId().startsWith("%"), window.toString());

        await(() -> dead("h-th-1"), "the pane's program ended");
        assertTrue(server.window("h-th-1").isPresent(), "remain-on-exit keeps the window");
        assertFalse(server.isAlive("h-th-1"));
        // tmux pushes a new pane's first line into the scrollback; on a loaded machine the dead pane's screen can be
        // captured a moment before tmux has drawn the program's last output, so poll for it.
        String expected = dir.toRealPath().toString();
        await(() -> {
            String screen = server.capture("h-th-1", 10);
            return screen.contains(expected) && screen.contains("its done");
        }, "the program's output on the dead pane's screen");
        assertTrue(server.killWindow("h-th-1"));
        assertFalse(server.killWindow("h-th-1"), "already gone is fine");
    }

    @Test
    void aPaneDiedHookReportsTheExitStatusToTheInbox() throws Exception {
        LinkedBlockingQueue<HookInbox.Event> events = new LinkedBlockingQueue<>();
        try (HookInbox inbox = HookInbox.open(dir.resolve("run"), events::add)) {
            // It ends only when told (Enter), after the hook is set: a timed exit could beat the hook on a loaded machine.
            TmuxServer.Window window = server.newWindow("dies", dir, List.of("/bin/sh", "-c", "read line; exit 3"));
            server.setWindowHook(window.id(), "pane-died", inbox.exitNotice("t0k3n"));
            server.pressEnter("dies");
            await(() -> dead("dies"), "the pane's program ended");
            server.reapLostChildren(); // as the backend does for a dead pane: this tmux may have lost the exit (see there)

            HookInbox.Event exit = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(exit, "no exit notice within 10 s; windows: " + server.windows());
            assertEquals("t0k3n", exit.token());
            assertEquals("exit", exit.name());
            assertEquals("3", exit.argument());
            assertEquals("3", server.window("dies").orElseThrow().exitStatus());
        }
    }

    @Test
    void targetsAreExactNames() throws Exception {
        server.newWindow("h-1", dir, List.of("sleep", "30"));
        server.newWindow("h-12", dir, List.of("sleep", "30"));
        server.killWindow("h-1");
        assertTrue(server.isAlive("h-12"));
        assertFalse(server.window("h-1").isPresent());
    }

    @Test
    void aBracketedPasteDeliversMultiLineTextAsItIs() throws Exception {
        Path out = dir.resolve("pasted.txt");
        // Like claude, the program turns bracketed paste on; cat in raw mode then writes exactly the bytes it receives.
        server.newWindow("paste", dir, List.of("/bin/sh", "-c", "printf '\\033[?2004h'; stty raw -echo; exec cat > '" + out + "'"));
        await(() -> alive("paste"), "cat runs");
        String text = "-first line starts with a dash\n  second; echo nope\n'third' \"quoted\" $HOME";

        server.paste("paste", text);

        await(() -> java.nio.file.Files.exists(out) && java.nio.file.Files.readString(out).contains("$HOME"), "the paste arrived");
        String got = java.nio.file.Files.readString(out);
        assertTrue(got.startsWith("\u001b[200~") && got.endsWith("\u001b[201~"), "wrapped as a bracketed paste: " + got);
        assertEquals(text.replace("\n", "\r"), got.substring(6, got.length() - 6), "tmux sends newlines as CR inside the paste");
    }

    @Test
    void theControlClientReportsOutputClosedWindowsAndTheServersEnd() throws Exception {
        server.newWindow("quiet", dir, List.of("sleep", "30")); // a control client attaches to a session, which needs a window
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        ControlClient control = server.attachControl(new ControlClient.Listener() {
            @Override
            public void output(String paneId) {
                events.add("output " + paneId);
            }

            @Override
            public void windowClosed(String windowId) {
                events.add("closed " + windowId);
            }

            @Override
            public void ended(String reason) {
                events.add("ended " + reason);
            }
        });
        try {
            TmuxServer.Window window = server.newWindow("chatty", dir, List.of("/bin/sh", "-c", "echo hello; sleep 30"));
            expect(events, "output " + window.paneId());
            server.killWindow("chatty");
            expect(events, "closed " + window.id());
            server.killServer();
            String ended = expect(events, "ended");
            assertNotNull(ended);
            assertFalse(control.isAlive());

            server.newWindow("again", dir, List.of("sleep", "30"));
            assertTrue(server.hasSession(), "a killed server is simply started again");
        } finally {
            control.close();
        }
    }

    private boolean dead(String name) throws Exception {
        return server.window(name).map(TmuxServer.Window::paneDead).orElse(false);
    }

    private boolean alive(String name) throws Exception {
        return server.isAlive(name);
    }

    private static String expect(LinkedBlockingQueue<String> events, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event != null && event.startsWith(prefix)) {
                return event;
            }
        }
        throw new AssertionError("no '" + prefix + "' event within 10 s");
    }

    interface Check extends dev.agenttunnel.testkit.Eventually.Condition {
    }

    private static void await(Check check, String what) throws Exception {
        dev.agenttunnel.testkit.Eventually.await(Duration.ofSeconds(10), what, check);
    }
}
