package dev.agenttunnel.testkit.discord;

import java.util.concurrent.atomic.AtomicLong;

/** Unique, increasing Discord-style ids for one emulator: the start time since the Discord epoch, then a counter. */
final class Snowflakes {
    private static final long DISCORD_EPOCH_MILLIS = 1_420_070_400_000L;

    private final AtomicLong last;

    Snowflakes() {
        last = new AtomicLong((System.currentTimeMillis() - DISCORD_EPOCH_MILLIS) << 22);
    }

    String next() {
        return Long.toString(last.incrementAndGet());
    }
}
