package dev.agenttunnel.tmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HookInboxTest {
    @TempDir
    Path dir;

    @Test
    void aHookRunByTheShellDeliversItsJsonWithoutAJvm() throws Exception {
        LinkedBlockingQueue<HookInbox.Event> events = new LinkedBlockingQueue<>();
        try (HookInbox inbox = HookInbox.open(dir.resolve("run"), events::add)) {
            String json = "{\"session_id\":\"abc\",\"hook_event_name\":\"Stop\",\"last_assistant_message\":\"hi\"}";
            assertEquals(0, runHook(inbox.hookCommand("t0k3n", "Stop"), json));

            HookInbox.Event event = events.poll(10, TimeUnit.SECONDS);
            assertEquals("t0k3n", event.token());
            assertEquals("Stop", event.name());
            assertEquals("abc", event.field("session_id"));
            assertEquals("hi", event.field("last_assistant_message"));
            try (var spool = Files.list(inbox.dir().resolve("spool"))) {
                assertEquals(0, spool.count(), "the spool file was consumed");
            }
        }
    }

    @Test
    void aChangedOrReplacedHookScriptIsWrittenAfreshBeforeUseAndItsLinkTargetIsLeftAlone() throws Exception {
        LinkedBlockingQueue<HookInbox.Event> events = new LinkedBlockingQueue<>();
        try (HookInbox inbox = HookInbox.open(dir.resolve("run"), events::add)) {
            String original = Files.readString(inbox.hookScript());
            assertFalse(inbox.verifyHookScript(), "untouched: kept as it is");

            Files.writeString(inbox.hookScript(), original + "\ntouch /tmp/owned\n");
            assertTrue(inbox.verifyHookScript(), "a changed script is noticed");
            assertEquals(original, Files.readString(inbox.hookScript()));

            Path elsewhere = dir.resolve("attacker.sh");
            Files.writeString(elsewhere, "#!/bin/sh\necho owned\n");
            Files.delete(inbox.hookScript());
            Files.createSymbolicLink(inbox.hookScript(), elsewhere);
            assertTrue(inbox.verifyHookScript(), "a link in its place is noticed");
            assertFalse(Files.isSymbolicLink(inbox.hookScript()));
            assertEquals(original, Files.readString(inbox.hookScript()));
            assertEquals("#!/bin/sh\necho owned\n", Files.readString(elsewhere), "never written through the link");

            String json = "{\"session_id\":\"abc\",\"hook_event_name\":\"Stop\"}";
            assertEquals(0, runHook(inbox.hookCommand("t0k3n", "Stop"), json));
            assertEquals("abc", events.poll(10, TimeUnit.SECONDS).field("session_id"), "the rewritten script works");
        }
    }

    @Test
    void largeEventsFromManyConcurrentHooksArriveWholeAndSeparate() throws Exception {
        LinkedBlockingQueue<HookInbox.Event> events = new LinkedBlockingQueue<>();
        try (HookInbox inbox = HookInbox.open(dir.resolve("run"), events::add)) {
            String big = "x".repeat(70_000); // far above PIPE_BUF: would interleave if written to the FIFO itself
            List<Process> hooks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                hooks.add(startHook(inbox.hookCommand("tok" + i, "Stop"), "{\"n\":" + i + ",\"text\":\"" + big + "\"}"));
            }
            for (Process hook : hooks) {
                assertTrue(hook.waitFor(30, TimeUnit.SECONDS));
            }
            List<HookInbox.Event> got = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                got.add(events.poll(10, TimeUnit.SECONDS));
            }
            assertEquals(IntStream.range(0, 20).boxed().collect(Collectors.toSet()),
                    got.stream().map(e -> e.payload().path("n").asInt()).collect(Collectors.toSet()));
            got.forEach(e -> {
                assertEquals("tok" + e.payload().path("n").asInt(), e.token());
                assertEquals(big, e.field("text"));
            });
        }
    }

    @Test
    void exitNoticesCarryTheirArgumentAndForeignLinesAreIgnored() throws Exception {
        LinkedBlockingQueue<HookInbox.Event> events = new LinkedBlockingQueue<>();
        try (HookInbox inbox = HookInbox.open(dir.resolve("run"), events::add)) {
            Files.writeString(inbox.fifo(), "garbage line\nabc Stop /etc/passwd\nt1 exit 137\n", StandardCharsets.UTF_8);
            HookInbox.Event exit = events.poll(10, TimeUnit.SECONDS);
            assertEquals("exit", exit.name());
            assertEquals("137", exit.argument());
            assertTrue(events.isEmpty(), "a path outside the spool is not read");
        }
    }

    @Test
    void closingStopsTheReaderAndRemovesTheRuntimeDir() throws Exception {
        HookInbox inbox = HookInbox.open(dir.resolve("run"), event -> { });
        inbox.close();
        assertFalse(Files.exists(dir.resolve("run")));
        Process late = startHook(inbox.hookCommand("late", "Stop"), "{}");
        assertTrue(late.waitFor(5, TimeUnit.SECONDS), "a hook of a fork that outlived its daemon does not hang");
    }

    private static int runHook(String command, String stdin) throws Exception {
        Process hook = startHook(command, stdin);
        assertTrue(hook.waitFor(30, TimeUnit.SECONDS));
        return hook.exitValue();
    }

    /** Runs the hook command as claude does: through a shell, the event JSON on stdin. */
    private static Process startHook(String command, String stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        Thread.ofVirtual().start(() -> {
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                // the hook ended early
            }
        });
        Thread.ofVirtual().start(() -> {
            try (var out = process.getInputStream()) {
                out.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (Exception e) {
                // ignore
            }
        });
        return process;
    }
}
