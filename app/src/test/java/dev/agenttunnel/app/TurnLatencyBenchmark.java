package dev.agenttunnel.app;

import dev.agenttunnel.core.fork.ForkProcesses;
import dev.agenttunnel.testkit.Scripts;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a colleague waits for, message posted → answer posted, on the headless backend with the real claude and an
 * instant fake model, through the Discord emulator: thread openers, follow-ups with warm forks off (a claude per turn)
 * and on (the thread's running claude). Prints p50/p90 and the memory a warm fork holds.
 *
 * <pre>bench/turn-latency [THREADS]</pre> (default 10)
 */
public final class TurnLatencyBenchmark {
    private static final Duration WAIT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Double> openersCold = new ArrayList<>();
        List<Double> followUpsCold = new ArrayList<>();
        List<Double> openersWarm = new ArrayList<>();
        List<Double> followUpsWarm = new ArrayList<>();
        List<Double> rssMb = new ArrayList<>();
        try (ServeWorld w = new ServeWorld("", "")) {
            w.world.api.scriptMain(Scripts.echo());
            Path config = w.world.config;
            String original = Files.readString(config);
            Files.writeString(config, original.replace("[limits]\n", "[limits]\nmax_warm_forks = 0\n"));
            w.startDaemon();
            for (int t = 0; t < threads; t++) {
                String thread = ask(w, w.channel, "payments cold opener " + t, openersCold);
                ask(w, thread, "cold follow-up " + t, followUpsCold);
                close(w, thread);
            }
            w.stopDaemon();
            Files.writeString(config, original.replace("[limits]\n", "[limits]\nmax_warm_forks = " + (threads + 1) + "\n"));
            w.startDaemon();
            for (int t = 0; t < threads; t++) {
                String thread = ask(w, w.channel, "payments warm opener " + t, openersWarm);
                ask(w, thread, "warm follow-up " + t, followUpsWarm);
                ForkProcesses.ofThread("th:" + thread).forEach(p -> rssMb.add(rssMb(p.pid())));
                close(w, thread);
            }
            w.stopDaemon();
        }
        BenchTable table = new BenchTable(90);
        double coldP50 = BenchTable.percentile(followUpsCold, 50);
        table.add("opener (new thread, warm forks off)", openersCold, 0, "—");
        table.add("follow-up, cold (warm forks off)", followUpsCold, 0, "—");
        table.add("opener (new thread, warm forks on)", openersWarm, 0, "—");
        table.add("follow-up, warm", followUpsWarm, 0, String.format("≤ 150 and ≤ %.0f ms", coldP50 / 8));
        table.print();
        System.out.printf("%nwarm follow-up p50 = %.1f%% of the cold follow-up's; memory per warm fork (RSS): %s MB%n",
                100 * BenchTable.percentile(followUpsWarm, 50) / coldP50,
                rssMb.isEmpty() ? "?" : String.format("median %.0f", BenchTable.percentile(rssMb, 50)));
        System.exit(0);
    }

    /** Posts {@code text} in {@code channel} and waits for the answer; returns the thread it is in. */
    private static String ask(ServeWorld w, String channel, String text, List<Double> into) {
        String message = w.post(channel, w.alice, text);
        String question = text.startsWith("payments ") ? text.substring("payments ".length()) : text;
        String thread = channel.equals(w.channel)
                ? w.discord.awaitThread(t -> t.starterMessageId().equals(message), WAIT).id() : channel;
        PostedMessage answer = w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.content().contains(question), WAIT);
        Instant asked = w.discord.messages().stream().filter(m -> m.id().equals(message)).findFirst().orElseThrow().postedAt();
        into.add(Duration.between(asked, answer.postedAt()).toNanos() / 1e6);
        return thread;
    }

    private static void close(ServeWorld w, String thread) {
        w.post(thread, w.alice, "!done");
        w.discord.awaitMessage(m -> m.byBot() && m.channelId().equals(thread) && m.content().contains("Closed"), WAIT);
    }

    private static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // gone already
        }
        return Double.NaN;
    }
}
