package dev.agenttunnel.headless;

import java.util.concurrent.Executor;

/** Blocking stream reads run on virtual threads, never on a caller's (or an actor system's) threads. */
final class VirtualThreads {
    static final Executor EXECUTOR = task -> Thread.ofVirtual().name("claude-io").start(task);

    private VirtualThreads() {
    }
}
