package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code agent-tunnel status}: every bound conversation, least recently used first. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List every conversation thread and its fork, least recently used first.",
            "Each line: <thread key>: handle, fork (pending until the first answer), backend, asker, idle minutes, "
                + "and for tmux threads their window on the private server (live, or closed: the next question reopens it)."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    StatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = ctx.settings(config);
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        java.util.Map<String, ThreadStore.Spent> spent = store.allSpent();
        List<ThreadRecord> threads = store.all().values().stream()
                .sorted(Comparator.comparingDouble(ThreadRecord::lastUsed))
                .toList();
        if (threads.isEmpty()) {
            ctx.out().println("No threads yet.");
            return ExitCodes.OK;
        }
        double now = Clock.systemUTC().millis() / 1000.0;
        java.util.Set<String> live = new java.util.HashSet<>(ForkWindows.of(settings, ctx.env()).live());
        live.addAll(dev.agenttunnel.core.fork.ForkProcesses.warmThreads());
        threads.forEach(t -> ctx.out().println(line(t, settings.tunnel().backend(), now,
                ForkWindows.isLive(t, settings.tunnel().backend(), live)) + (live.contains(t.threadKey()) ? " warm" : "")
                + costOf(spent.get(t.threadKey()))));
        return ExitCodes.OK;
    }

    /**
     * {@code <key>: handle=<h|-> fork=<8|pending> backend=<b> asker=<a|-> idle=<min>m[ window=<w> (live|closed)]}: the
     * window when the thread has one alive on the private tmux server or has recorded one.
     */
    static String line(ThreadRecord t, Backend configured, double nowEpochSeconds, boolean windowLive) {
        String window = windowLive ? ForkWindows.windowOf(t) + " (live)"
                : t.tmuxWindow().isEmpty() ? "" : t.tmuxWindow() + " (closed)";
        double idleMinutes = Math.max(0, nowEpochSeconds - t.lastUsed()) / 60.0;
        return t.threadKey() + ": handle=" + orDash(t.handle())
                + " fork=" + (t.hasFork() ? ForkRow.shortId(t.forkSessionId()) : "pending")
                + " backend=" + t.effectiveBackend(configured).wire()
                + " asker=" + orDash(t.asker())
                + " idle=" + wholeMinutes(idleMinutes) + "m"
                + (window.isEmpty() ? "" : " window=" + window);
    }

    /** Rounded half to even on the exact binary value, as Python's {@code f"{m:.0f}"} does (2.5 → 2). */
    private static String wholeMinutes(double minutes) {
        return new BigDecimal(minutes).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String costOf(ThreadStore.Spent spent) {
        return spent == null ? "" : String.format(java.util.Locale.ROOT, " cost=$%.4f", spent.usd());
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
