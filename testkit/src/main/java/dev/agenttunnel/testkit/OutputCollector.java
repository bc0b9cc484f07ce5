package dev.agenttunnel.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Drains one child-process stream on its own virtual thread so stdout and stderr never block each other. */
final class OutputCollector {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Thread reader;

    private OutputCollector(InputStream in) {
        this.reader = Thread.ofVirtual().name("process-output").start(() -> drain(in));
    }

    static OutputCollector start(InputStream in) {
        return new OutputCollector(in);
    }

    /** Waits until the stream ends or {@code grace} passes, then returns what was read so far. */
    String await(Duration grace) throws InterruptedException {
        reader.join(grace);
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    private void drain(InputStream in) {
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                synchronized (buffer) {
                    buffer.write(chunk, 0, n);
                }
            }
        } catch (IOException e) {
            // stream closed under us: keep what we have
        }
    }
}
