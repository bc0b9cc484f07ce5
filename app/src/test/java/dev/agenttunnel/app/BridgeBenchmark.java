package dev.agenttunnel.app;

import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryJson;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.testkit.discord.DiscordEmulator;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark (run by {@code bench/bridge-overhead}): the bridge's own cost per turn — from the emulator delivering
 * a colleague's message to the answer posted in the thread, minus what claude itself took — with an instant stub
 * in place of claude, at 1 thread and at 100 threads × 5 questions, each after an uncounted warm-up (a daemon
 * runs for hours). Prints a table; asserts nothing.
 */
public final class BridgeBenchmark {
    private static final String STUB = """
            #!/bin/sh
            cat > /dev/null
            echo '{"type":"system","subtype":"init","session_id":"0b0b0b0b-1111-2222-3333-444444444444"}'
            echo '{"type":"result","subtype":"success","is_error":false,"result":"ok","session_id":"0b0b0b0b-1111-2222-3333-444444444444"}'
            """;
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        int sequential = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path dir = Files.createTempDirectory("bridge-bench");
        Path stub = dir.resolve("claude-stub");
        Files.writeString(stub, STUB);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path project = Files.createDirectories(dir.resolve("project"));
        Registry registry = new Registry(dir.resolve("registry.json"));
        registry.update(root -> {
            RegistryJson.put(root, new RegistryRecord("bench", "bench-expert", project.toString(), "", AccessLevel.READ, "bench", "", 1.0, false));
            return null;
        });
        List<Double> floor = floor(stub, 50);
        double floorP50 = BenchTable.percentile(floor, 50);
        BenchTable rows = new BenchTable();
        String cpu = null;
        rows.add("floor: spawn the stub directly", floor, 0, "—");
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            String channel = discord.createTextChannel("bench");
            String user = discord.createUser("colleague", "Colleague");
            Environment env = new Environment(Map.of("HOME", dir.toString(), "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), dir);

            Answers answers = new Answers();
            discord.onMessage(answers::accept);
            Daemon one = Daemon.start(settings(dir, discord, channel, stub, registry, 2, env), env, discord.token());
            // A daemon runs for hours: measure it warm, after a conversation that is not counted.
            run(discord, answers, channel, user, 1, 30);
            Run single = run(discord, answers, channel, user, 1, sequential);
            one.stop();
            rows.add("1 thread × " + sequential + " (end to end)", single.millis, single.lost.get(), "—");
            rows.add("1 thread: bridge overhead", minus(single.millis, floorP50), single.lost.get(), "p50 ≤ 10 ms");

            Daemon many = Daemon.start(settings(dir, discord, channel, stub, registry, 100, env), env, discord.token());
            run(discord, answers, channel, user, 20, 3);
            CpuTime before = CpuTime.now();
            Run parallel = run(discord, answers, channel, user, 100, 5);
            CpuTime spent = CpuTime.now().minus(before);
            many.stop();
            rows.add("100 threads × 5 (end to end)", parallel.millis, parallel.lost.get(), "—");
            rows.add("100 threads: opening questions", parallel.openers, 0, "—");
            rows.add("100 threads: bridge overhead", minus(parallel.millis, floorP50), parallel.lost.get(), "p99 ≤ 50 ms, 0 lost");
            List<Double> followUps = new ArrayList<>(parallel.millis);
            parallel.openers.forEach(followUps::remove);
            rows.add("100 threads: follow-ups only, overhead", minus(followUps, floorP50), parallel.lost.get(), "—");
            int turns = parallel.millis.size();
            cpu = String.format(java.util.Locale.ROOT, "CPU per turn at 100 threads: %.2f ms in this JVM (daemon, JDA and the emulator) "
                    + "+ %.2f ms in the stub processes; with %d cores, 100 turns at once need at least %.0f ms of wall time.",
                    spent.selfSeconds() * 1000 / turns, spent.childrenSeconds() * 1000 / turns, Runtime.getRuntime().availableProcessors(),
                    100 * (spent.selfSeconds() + spent.childrenSeconds()) * 1000 / turns / Runtime.getRuntime().availableProcessors());
        }
        rows.print();
        if (cpu != null) {
            System.out.println(cpu);
        }
        System.exit(0);
    }

    /**
     * CPU seconds of this JVM (daemon, JDA and emulator alike) and of its finished child processes (the stubs), from
     * {@code /proc/self/stat}; all zero where there is no such file.
     */
    private record CpuTime(double selfSeconds, double childrenSeconds) {
        static CpuTime now() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double tick = 100.0; // USER_HZ on Linux
                return new CpuTime((Long.parseLong(f[11]) + Long.parseLong(f[12])) / tick,
                        (Long.parseLong(f[13]) + Long.parseLong(f[14])) / tick);
            } catch (java.io.IOException | RuntimeException e) {
                return new CpuTime(0, 0);
            }
        }

        CpuTime minus(CpuTime earlier) {
            return new CpuTime(selfSeconds - earlier.selfSeconds, childrenSeconds - earlier.childrenSeconds);
        }
    }

    private record Run(List<Double> millis, List<Double> openers, AtomicInteger lost) {
    }

    /** {@code threads} conversations in parallel, each asking {@code questions} in turn (the first opens the thread). */
    private static Run run(DiscordEmulator discord, Answers answers, String channel, String user, int threads, int questions)
            throws Exception {
        ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> openers = new ConcurrentLinkedQueue<>();
        AtomicInteger lost = new AtomicInteger();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                executor.submit(() -> conversation(discord, answers, channel, user, id, questions, millis, openers, lost));
            }
        }
        return new Run(new ArrayList<>(millis), new ArrayList<>(openers), lost);
    }

    private static void conversation(DiscordEmulator discord, Answers answers, String channel, String user, int id, int questions,
            ConcurrentLinkedQueue<Double> millis, ConcurrentLinkedQueue<Double> openers, AtomicInteger lost) {
        try {
            String opener = discord.postAsUser(channel, user, "bench question " + id + "-0");
            String thread = opener; // a thread opened from a message has the message's id
            double opened = answers.latency(thread, opener, discord);
            millis.add(opened);
            openers.add(opened);
            for (int q = 1; q < questions; q++) {
                String asked = discord.postAsUser(thread, user, "follow-up " + id + "-" + q);
                millis.add(answers.latency(thread, asked, discord));
            }
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            lost.incrementAndGet();
        }
    }

    /** The bot's answers per thread, as the emulator stores them (a listener: no rescans of the history). */
    private static final class Answers {
        private final Map<String, java.util.concurrent.BlockingQueue<PostedMessage>> byThread = new java.util.concurrent.ConcurrentHashMap<>();

        void accept(PostedMessage m) {
            if (m.byBot() && m.content().equals("ok")) {
                queue(m.channelId()).add(m);
            }
        }

        private java.util.concurrent.BlockingQueue<PostedMessage> queue(String thread) {
            return byThread.computeIfAbsent(thread, t -> new java.util.concurrent.LinkedBlockingQueue<>());
        }

        /** Milliseconds from the question being stored (and dispatched) to its answer being stored. */
        double latency(String thread, String questionId, DiscordEmulator discord) throws InterruptedException {
            PostedMessage answer = queue(thread).poll(ANSWER_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new AssertionError("no answer in " + thread);
            }
            Instant asked = discord.messagesIn(answer.channelId().equals(thread) ? thread : thread).stream()
                    .filter(m -> m.id().equals(questionId)).findFirst().map(PostedMessage::postedAt)
                    .orElseGet(() -> discord.messages().stream().filter(m -> m.id().equals(questionId)).findFirst().orElseThrow().postedAt());
            return Duration.between(asked, answer.postedAt()).toNanos() / 1e6;
        }
    }

    private static List<Double> floor(Path stub, int runs) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(stub.toString()).start();
            p.getOutputStream().write("q".getBytes());
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            p.waitFor();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return millis;
    }

    private static Settings settings(Path dir, DiscordEmulator discord, String channel, Path stub, Registry registry, int maxConcurrent,
            Environment env) throws Exception {
        return ConfigLoader.fromConfig(ConfigFactory.parseString("""
                tunnel.state_path = "%s"
                tunnel.registry_path = "%s"
                discord.channel_ids = [%s]
                discord.rest_url = "%s"
                discord.gateway_url = "%s"
                claude.binary = "%s"
                claude.persona = ""
                limits.per_user_cooldown_s = 0
                limits.max_concurrent = %d
                limits.max_warm_forks = 0
                """.formatted(dir.resolve("state.json"), registry.path(), channel, discord.restUrl(), discord.gatewayUrl(), stub,
                maxConcurrent)).withFallback(ConfigLoader.defaults()), dir.resolve("config.toml"), env);
    }

    private static List<Double> minus(List<Double> values, double floor) {
        return values.stream().map(v -> Math.max(0, v - floor)).toList();
    }
}
