package dev.agenttunnel.app;

import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark (run by {@code bench/tmux-latency}): how long the tmux backend adds around claude, with the real
 * interactive claude (fake API), real tmux and the Discord emulator. Two spans, each read off clocks outside the
 * daemon: a project-level hook in the fork's folder stamps claude's {@code UserPromptSubmit} and {@code Stop}
 * events with the wall clock, and the emulator stamps when it stored each message.
 * <ul>
 *   <li><b>Stop → answer posted</b>: claude has finished the turn, until the answer is stored by the emulator
 *       (transcript read, chat post) — target ≤ 100 ms;</li>
 *   <li><b>message → question submitted, cold</b>: a colleague's message opens a thread, until claude has taken the
 *       question in a freshly launched window (thread creation, window launch, claude's start-up).</li>
 * </ul>
 * Each of {@code N} threads (default 10) asks one cold question and one warm follow-up. Prints a table; asserts
 * nothing.
 */
public final class TmuxLatencyBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Double> stopToPostedCold = new ArrayList<>();
        List<Double> stopToPostedWarm = new ArrayList<>();
        List<Double> messageToSubmittedCold = new ArrayList<>();
        List<Double> messageToSubmittedWarm = new ArrayList<>();
        List<Double> endToEndWarm = new ArrayList<>();
        try (ServeWorld w = new ServeWorld("", "")) {
            Files.writeString(w.world.config, Files.readString(w.world.config).replace("[tunnel]\n", "[tunnel]\nbackend = \"tmux\"\n"));
            Path stamps = w.world.sandbox.root().resolve("hook-stamps.log");
            writeStampingHooks(w.project, stamps);
            w.startDaemon();
            w.world.api.scriptMain(Scripts.echo());
            for (int t = 0; t < threads; t++) {
                String question = "cold question " + t;
                String opener = w.post(w.channel, w.alice, "payments " + question);
                String thread = w.discord.awaitThread(th -> th.starterMessageId().equals(opener), WAIT).id();
                PostedMessage answer = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread)
                        && m.content().contains(question), WAIT);
                Instant asked = posted(w, opener);
                Stamps turn = Stamps.read(stamps, asked);
                messageToSubmittedCold.add(millis(asked, turn.submitted()));
                stopToPostedCold.add(millis(turn.stopped(), answer.postedAt()));

                String followUp = "warm follow-up " + t;
                String asking = w.post(thread, w.alice, followUp);
                PostedMessage warm = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread)
                        && m.content().contains(followUp), WAIT);
                Instant askedWarm = posted(w, asking);
                Stamps warmTurn = Stamps.read(stamps, askedWarm);
                messageToSubmittedWarm.add(millis(askedWarm, warmTurn.submitted()));
                stopToPostedWarm.add(millis(warmTurn.stopped(), warm.postedAt()));
                endToEndWarm.add(millis(askedWarm, warm.postedAt()));
                w.post(thread, w.alice, "!done");
                w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.content().contains("Closed"), WAIT);
            }
            w.stopDaemon();
        }
        BenchTable table = new BenchTable();
        table.add("Stop → answer posted, cold turn", stopToPostedCold, 0, "≤ 100 ms");
        table.add("Stop → answer posted, warm follow-up", stopToPostedWarm, 0, "≤ 100 ms");
        table.add("message → question submitted, cold", messageToSubmittedCold, 0, "— (claude's start-up)");
        table.add("message → question submitted, warm", messageToSubmittedWarm, 0, "—");
        table.add("warm follow-up, end to end", endToEndWarm, 0, "—");
        table.print();
        System.exit(0);
    }

    /**
     * Hooks in the project's own settings that append {@code <event> <epoch nanos>} to {@code stamps}: claude runs
     * them beside the daemon's own hooks, so they time the same events without the daemon's help.
     */
    private static void writeStampingHooks(Path project, Path stamps) throws Exception {
        Path settings = Files.createDirectories(project.resolve(".claude")).resolve("settings.json");
        String hook = "{\"hooks\":[{\"type\":\"command\",\"command\":\"echo %s $(date +%%s%%N) >> '" + stamps + "'\"}]}";
        Files.writeString(settings, "{\"hooks\":{\"UserPromptSubmit\":[" + hook.formatted("submitted") + "],\"Stop\":["
                + hook.formatted("stopped") + "]}}\n");
    }

    private static Instant posted(ServeWorld w, String messageId) {
        return w.discord.messages().stream().filter(m -> m.id().equals(messageId)).findFirst().orElseThrow().postedAt();
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** The first {@code submitted} and {@code stopped} stamps at or after {@code since}. */
    private record Stamps(Instant submitted, Instant stopped) {
        static Stamps read(Path file, Instant since) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                Instant submitted = null;
                Instant stopped = null;
                List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
                for (String line : lines) {
                    String[] f = line.strip().split(" ");
                    if (f.length != 2) {
                        continue;
                    }
                    long nanos = Long.parseLong(f[1]);
                    Instant at = Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
                    if (at.isBefore(since)) {
                        continue;
                    }
                    if (f[0].equals("submitted") && submitted == null) {
                        submitted = at;
                    } else if (f[0].equals("stopped") && stopped == null) {
                        stopped = at;
                    }
                }
                if (submitted != null && stopped != null) {
                    return new Stamps(submitted, stopped);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no hook stamps after " + since + " in " + file + ": " + lines);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // a poll with a deadline: the hook may append just after the post
            }
        }
    }
}
