package dev.agenttunnel.app;

import dev.agenttunnel.testkit.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** What a program in a pseudo-terminal printed, escape sequences dropped, read on a thread of its own. */
final class TerminalScreen {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    TerminalScreen(InputStream in) {
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the terminal closed
            }
        });
    }

    /** Everything printed so far, control sequences and all. */
    String raw() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    String text() {
        return raw().replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "").replaceAll("\u001B[()][0-9A-Za-z]", "")
                .replaceAll("\u001B[=>78DEHM]", "");
    }

    /** Polls, with a deadline, until the text so far passes {@code test}. */
    void await(Duration timeout, Predicate<String> test, String what) throws Exception {
        Eventually.await(timeout, what, () -> test.test(text()));
    }
}
