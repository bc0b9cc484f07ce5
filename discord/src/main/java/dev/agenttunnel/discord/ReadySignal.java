package dev.agenttunnel.discord;

import java.util.concurrent.CompletableFuture;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;

/**
 * Completes {@link #ready()} when JDA has loaded every guild, or fails it when JDA shuts down first (e.g. the
 * gateway closed with "authentication failed"), so start-up can wait for either with a deadline.
 */
final class ReadySignal extends ListenerAdapter {
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public void onReady(ReadyEvent event) {
        ready.complete(null);
    }

    @Override
    public void onShutdown(ShutdownEvent event) {
        ready.completeExceptionally(new GatewayClosed(event.getCode()));
    }

    /** JDA shut down before it was ready: the gateway closed with {@code code} (4004: token, 4014: intents). */
    static final class GatewayClosed extends IllegalStateException {
        private final int code;

        GatewayClosed(int code) {
            super("the Discord gateway closed the connection (close code " + code + ")");
            this.code = code;
        }

        int code() {
            return code;
        }
    }
}
