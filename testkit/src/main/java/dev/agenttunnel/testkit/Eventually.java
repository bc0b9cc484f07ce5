package dev.agenttunnel.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a state that no event announces (a file write, a row in state.json): re-checks every 10 ms until it
 * holds or the deadline passes, then fails saying what never happened. Prefer an event where one exists.
 */
public final class Eventually {
    private static final long RECHECK_NANOS = 10_000_000;

    private Eventually() {
    }

    /** Something that yields a value once the awaited state is reached. */
    @FunctionalInterface
    public interface Probe<T> {
        Optional<T> probe() throws Exception;
    }

    /** Something that holds once the awaited state is reached. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    public static <T> T await(Duration timeout, String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.probe();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(RECHECK_NANOS);
        }
    }

    public static void await(Duration timeout, String what, Condition condition) throws Exception {
        await(timeout, what, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
}
