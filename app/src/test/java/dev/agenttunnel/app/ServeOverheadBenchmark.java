package dev.agenttunnel.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryJson;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.testkit.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Benchmark (run by {@code bench/serve-overhead}): the bridge as a user runs it. The packaged launcher
 * ({@code ./agent-tunnel serve}, its own flags and JVM options, config and state under a throw-away HOME), the Discord
 * emulator in a process of its own ({@code EmulatorMain}), and an instant stub in place of claude that answers both
 * {@code claude -p} and warm {@code --input-format stream-json} sessions (warm forks stay on, as users run them).
 *
 * <p>Each scenario is a series of waves: N colleagues each post a thread opener at the same moment, then, once every
 * opener is answered, a follow-up in each thread at the same moment, and so on. Latency is question stored → answer
 * stored, on the emulator's clock. CPU is the daemon's own (all its threads) plus its stub processes', from
 * {@code /proc}; the floor of a wave is its CPU per turn × N ÷ this machine's cores, the least wall time N turns at
 * once can take here. Prints a table; asserts nothing.
 *
 * <pre>bench/serve-overhead [FOLLOW_UPS] [SINGLE_THREAD_CONVERSATIONS] [--json FILE] [--diagnose DIR] [--launcher PATH]</pre>
 * (defaults 3 and 20; {@code --launcher}: another {@code agent-tunnel} launcher, e.g. an installed one or another build's)
 */
public final class ServeOverheadBenchmark {
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(60);
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final int USERS = 100;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final String HANDLE = "bench";
    private static final String ANSWER = "ok";
    private static final String STUB = """
            #!/bin/sh
            # An instant claude: one stream-json answer per question, for `claude -p` (the question on stdin) and for a
            # warm session (--input-format stream-json: a JSON line per question, alive until stdin closes).
            init='{"type":"system","subtype":"init","session_id":"0b0b0b0b-1111-2222-3333-444444444444"}'
            result='{"type":"result","subtype":"success","is_error":false,"result":"ok","total_cost_usd":0,"session_id":"0b0b0b0b-1111-2222-3333-444444444444"}'
            case " $* " in
            *" --input-format stream-json "*)
              while IFS= read -r line; do printf '%s\\n%s\\n' "$init" "$result"; done
              exit 0 ;;
            esac
            cat > /dev/null
            printf '%s\\n%s\\n' "$init" "$result"
            """;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final URI control;
    private final String channel;
    private final List<String> users;
    private Proc daemon;

    private ServeOverheadBenchmark(JsonNode hello) {
        control = URI.create(hello.path("control").asText());
        channel = hello.path("channel").asText();
        List<String> ids = new ArrayList<>();
        hello.path("users").forEach(u -> ids.add(u.asText()));
        users = List.copyOf(ids);
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        Optional<Path> json = Optional.empty();
        Optional<Path> diagnose = Optional.empty();
        Path launcher = TunnelWorld.REPO.resolve("agent-tunnel");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json") && i + 1 < args.length) {
                json = Optional.of(Path.of(args[++i]));
            } else if (args[i].equals("--launcher") && i + 1 < args.length) {
                launcher = Path.of(args[++i]).toAbsolutePath();
            } else if (args[i].equals("--diagnose") && i + 1 < args.length) {
                diagnose = Optional.of(Files.createDirectories(Path.of(args[++i])));
            } else {
                positional.add(args[i]);
            }
        }
        int followUps = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 3;
        int sequential = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 20;
        Path dir = Files.createTempDirectory("serve-overhead");
        List<Process> started = new ArrayList<>();
        Thread cleanup = new Thread(() -> started.forEach(ServeOverheadBenchmark::kill));
        Runtime.getRuntime().addShutdownHook(cleanup);
        int status;
        try {
            status = run(launcher, dir, followUps, sequential, json, diagnose, started);
        } finally {
            started.forEach(ServeOverheadBenchmark::kill);
            deleteTree(dir);
        }
        System.exit(status);
    }

    private static int run(Path launcher, Path dir, int followUps, int sequential, Optional<Path> json, Optional<Path> diagnose,
            List<Process> started) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path project = Files.createDirectories(home.resolve("src/bench-project"));
        Path stub = Files.createDirectories(dir.resolve("bin")).resolve("claude");
        Files.writeString(stub, STUB);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));

        Process emulator = startEmulator(dir);
        started.add(emulator);
        JsonNode hello = Json.parse(new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8)).readLine());
        ServeOverheadBenchmark bench = new ServeOverheadBenchmark(hello);

        Path state = home.resolve(".local/state/agent-tunnel");
        new Registry(state.resolve("registry.json")).update(root -> {
            RegistryJson.put(root, new RegistryRecord(HANDLE, "0a0a0a0a-1111-2222-3333-444444444444", project.toString(), "",
                    AccessLevel.READ, "", "", System.currentTimeMillis() / 1000.0, false));
            return null;
        });
        Path config = home.resolve(".config/agent-tunnel/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                [discord]
                channel_ids = [%s]
                rest_url = "%s"
                gateway_url = "%s"
                [claude]
                binary = "%s"
                [limits]
                per_user_cooldown_s = 0.0
                max_concurrent = 100
                """.formatted(bench.channel, hello.path("rest_url").asText(), hello.path("gateway_url").asText(), stub));

        Path log = dir.resolve("serve.log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", home.toString());
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("AGENT_TUNNEL_DISCORD_TOKEN", hello.path("token").asText());
        for (String passed : List.of("JAVA_HOME", "LANG", "AGENT_TUNNEL_JAVA_OPTS")) {
            Optional.ofNullable(System.getenv(passed)).ifPresent(v -> builder.environment().put(passed, v));
        }
        long launched = System.nanoTime();
        Process serve = builder.start();
        started.add(serve);
        bench.daemon = new Proc(serve.pid());
        Table table = new Table();
        Map<String, Object> figures = new HashMap<>();

        if (!bench.connected(START_DEADLINE)) {
            System.err.println("serve did not connect within " + START_DEADLINE.toSeconds() + " s:\n" + Files.readString(log));
            return 1;
        }
        double connectedMs = (System.nanoTime() - launched) / 1e6;
        // A question posted the moment the bot is online is held until the actor tree is up, then answered.
        Optional<JsonNode> first = bench.ask(bench.channel, bench.users.getFirst(), HANDLE + " first question");
        double firstAnswerMs = (System.nanoTime() - launched) / 1e6;
        if (first.isEmpty()) {
            System.err.println("serve did not answer the first question:\n" + Files.readString(log));
            return 1;
        }
        if (Files.readString(log).contains("building")) {
            System.err.println("note: the launcher rebuilt the jar, so the start-up figures include a build");
        }
        double idleFrom = bench.daemon.ownCpuSeconds();
        Thread.sleep(SETTLE);
        double idleCpuMsPerS = (bench.daemon.ownCpuSeconds() - idleFrom) * 1000 / SETTLE.toSeconds();
        Proc.Memory idle = bench.daemon.memory();
        if (diagnose.isPresent()) {
            // Two snapshots SETTLE apart: the threads' cpu= figures say who works while nothing happens.
            jcmd(serve.pid(), diagnose.get(), "idle");
            Thread.sleep(SETTLE);
            jcmd(serve.pid(), diagnose.get(), "idle-later");
        }

        // Not counted: a daemon runs for hours, its hot path compiled.
        bench.scenario(1, 1, 5);
        bench.scenario(20, 1, 1);

        Scenario one = bench.scenario(1, followUps, sequential);
        Scenario twenty = bench.scenario(20, followUps, 1);
        Scenario hundred = bench.scenario(100, followUps, 1);
        Thread.sleep(SETTLE);
        Proc.Memory after = bench.daemon.memory();
        diagnose.ifPresent(d -> jcmd(serve.pid(), d, "after"));
        double emulatorCpu = new Proc(emulator.pid()).cpuSecondsIfAlive();

        long stopping = System.nanoTime();
        serve.destroy();
        boolean stopped = serve.waitFor(15, TimeUnit.SECONDS);
        double stopMs = (System.nanoTime() - stopping) / 1e6;
        emulator.getOutputStream().close();
        emulator.waitFor(10, TimeUnit.SECONDS);

        double floorOpeners = hundred.openerCpu.perTurnMs() * 100 / CORES;
        double floorFollowUps = hundred.followUpCpu.perTurnMs() * 100 / CORES;
        table.add("1 thread: opener", one.openers, one.openerLost.get(), "p50 ≤ 20 ms", BenchTable.percentile(one.openers, 50) <= 20);
        table.add("1 thread: follow-up", one.followUps, one.followUpLost.get(), "—", null);
        table.add("20 at once: openers", twenty.openers, twenty.openerLost.get(), "p99 ≤ 300 ms",
                BenchTable.percentile(twenty.openers, 99) <= 300 && twenty.openerLost.get() == 0);
        table.add("20 at once: follow-ups", twenty.followUps, twenty.followUpLost.get(), "p99 ≤ 300 ms",
                BenchTable.percentile(twenty.followUps, 99) <= 300 && twenty.followUpLost.get() == 0);
        table.add("100 at once: openers", hundred.openers, hundred.openerLost.get(),
                String.format(Locale.ROOT, "p99 ≤ %.0f ms, 0 lost", 1.5 * floorOpeners),
                BenchTable.percentile(hundred.openers, 99) <= 1.5 * floorOpeners && hundred.openerLost.get() == 0);
        table.add("100 at once: follow-ups", hundred.followUps, hundred.followUpLost.get(),
                String.format(Locale.ROOT, "p99 ≤ %.0f ms, 0 lost", 1.5 * floorFollowUps),
                BenchTable.percentile(hundred.followUps, 99) <= 1.5 * floorFollowUps && hundred.followUpLost.get() == 0);
        table.figure("start → gateway connected", String.format(Locale.ROOT, "%.0f ms", connectedMs), "≤ 2000 ms", connectedMs <= 2000);
        table.figure("start → first question answered", String.format(Locale.ROOT, "%.0f ms", firstAnswerMs), "—", null);
        table.figure("daemon RSS idle (" + SETTLE.toSeconds() + " s after that)", idle.describe(), "≤ 80 MB", idle.rssMb() <= 80);
        table.figure("daemon RSS after the load (" + SETTLE.toSeconds() + " s idle)", after.describe(), "≤ 120 MB", after.rssMb() <= 120);
        table.figure("daemon CPU while idle", String.format(Locale.ROOT, "%.1f ms/s", idleCpuMsPerS), "—", null);
        table.figure("daemon peak RSS (VmHWM)", String.format(Locale.ROOT, "%.1f MB", after.hwmMb()), "—", null);
        table.figure("CPU per turn, 1 thread (daemon + stub)", one.cpu().describe(), "—", null);
        table.figure("CPU per turn, 100 openers", hundred.openerCpu.describe(), "—", null);
        table.figure("CPU per turn, 100 follow-ups", hundred.followUpCpu.describe(), "—", null);
        table.figure("CPU floor, 100 at once on " + CORES + " cores", String.format(Locale.ROOT, "openers %.0f ms, follow-ups %.0f ms",
                floorOpeners, floorFollowUps), "—", null);
        table.figure("emulator CPU (whole run)", String.format(Locale.ROOT, "%.2f s", emulatorCpu), "—", null);
        table.figure("SIGTERM → exited", stopped ? String.format(Locale.ROOT, "%.0f ms", stopMs) : "still running after 15 s", "—", null);
        table.print();
        System.out.printf(Locale.ROOT, "%nmax_concurrent = 100, warm forks on (default max_warm_forks = 4), %d follow-ups per thread, "
                + "1 thread × %d conversations; JVM options: the launcher's%s.%n", followUps, sequential,
                System.getenv("AGENT_TUNNEL_JAVA_OPTS") == null ? "" : " + " + System.getenv("AGENT_TUNNEL_JAVA_OPTS"));

        figures.put("connected_ms", connectedMs);
        figures.put("first_answer_ms", firstAnswerMs);
        figures.put("idle_rss_mb", idle.rssMb());
        figures.put("after_rss_mb", after.rssMb());
        figures.put("hwm_mb", after.hwmMb());
        figures.put("idle_threads", idle.threads());
        figures.put("after_threads", after.threads());
        figures.put("idle_cpu_ms_per_s", idleCpuMsPerS);
        figures.put("opener1_p50", BenchTable.percentile(one.openers, 50));
        figures.put("followup1_p50", BenchTable.percentile(one.followUps, 50));
        figures.put("opener20_p99", BenchTable.percentile(twenty.openers, 99));
        figures.put("followup20_p99", BenchTable.percentile(twenty.followUps, 99));
        figures.put("opener100_p50", BenchTable.percentile(hundred.openers, 50));
        figures.put("opener100_p99", BenchTable.percentile(hundred.openers, 99));
        figures.put("followup100_p99", BenchTable.percentile(hundred.followUps, 99));
        figures.put("floor_openers_ms", floorOpeners);
        figures.put("floor_followups_ms", floorFollowUps);
        figures.put("cpu1_ms", one.cpu().perTurnMs());
        figures.put("cpu100_ms", hundred.cpu().perTurnMs());
        figures.put("cpu100_daemon_ms", hundred.cpu().ownPerTurnMs());
        figures.put("lost", one.lost() + twenty.lost() + hundred.lost());
        figures.put("stop_ms", stopMs);
        if (json.isPresent()) {
            Files.writeString(json.get(), Json.write(figures) + "\n");
        }
        return 0;
    }

    /**
     * Saves the daemon's memory map ({@code <when>-smaps.txt}) and what {@code jcmd} says about its threads, heap,
     * metaspace and code cache (and native memory, when started with {@code -XX:NativeMemoryTracking=summary}) as
     * {@code <when>-<command>.txt} in {@code dir}.
     */
    private static void jcmd(long pid, Path dir, String when) {
        try {
            Files.copy(Path.of("/proc/" + pid + "/smaps"), dir.resolve(when + "-smaps.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("smaps: " + e.getMessage());
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (String command : List.of("Thread.print", "GC.heap_info", "VM.metaspace", "Compiler.codecache", "VM.native_memory",
                "VM.flags")) {
            try {
                new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(when + "-" + command + ".txt").toFile()).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                System.err.println("jcmd " + command + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Process startEmulator(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + TunnelWorld.REPO.resolve("bench/logback-quiet.xml"),
                "-cp", System.getProperty("java.class.path"), "dev.agenttunnel.testkit.discord.EmulatorMain",
                "--users", String.valueOf(USERS), "--lifetime-s", "1800")
                .redirectError(dir.resolve("emulator.log").toFile()).start();
    }

    private boolean connected(Duration within) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(control.resolve("connected?timeout_ms=" + within.toMillis()))
                .timeout(within.plusSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
    }

    /** One colleague's question: the emulator's figures, or empty when no answer came in time. */
    private Optional<JsonNode> ask(String where, String user, String text) {
        String query = "ask?channel=" + where + "&user=" + user + "&expect=" + ANSWER + "&timeout_ms=" + ANSWER_DEADLINE.toMillis();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(control.resolve(query))
                    .timeout(ANSWER_DEADLINE.plusSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(Json.parse(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** {@code conversations} times: {@code threads} openers at once, then {@code followUps} waves of follow-ups. */
    private Scenario scenario(int threads, int followUps, int conversations) throws InterruptedException {
        Scenario s = new Scenario();
        for (int c = 0; c < conversations; c++) {
            ConcurrentLinkedQueue<String[]> open = new ConcurrentLinkedQueue<>();
            s.openerCpu.start();
            wave(threads, i -> ask(channel, users.get(i % users.size()), HANDLE + " opener " + i).ifPresentOrElse(answer -> {
                s.openers.add(answer.path("millis").asDouble());
                open.add(new String[] {answer.path("thread").asText(), users.get(i % users.size())});
            }, s.openerLost::incrementAndGet));
            s.openerCpu.stop(threads);
            for (int f = 1; f <= followUps; f++) {
                List<String[]> live = new ArrayList<>(open);
                open.clear();
                int round = f;
                s.followUpCpu.start();
                wave(live.size(), i -> ask(live.get(i)[0], live.get(i)[1], "follow-up " + round + " in " + i).ifPresentOrElse(answer -> {
                    s.followUps.add(answer.path("millis").asDouble());
                    open.add(live.get(i));
                }, s.followUpLost::incrementAndGet));
                s.followUpCpu.stop(live.size());
            }
        }
        return s;
    }

    /** Runs {@code task(0..n-1)} on virtual threads released at the same moment; returns when all are done. */
    private static void wave(int n, java.util.function.IntConsumer task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int id = i;
                executor.submit(() -> {
                    go.await();
                    task.accept(id);
                    return null;
                });
            }
            go.countDown();
        }
    }

    /** What one scenario measured. */
    private final class Scenario {
        final List<Double> openers = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Double> followUps = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger openerLost = new AtomicInteger();
        final AtomicInteger followUpLost = new AtomicInteger();
        final CpuMeter openerCpu = new CpuMeter();
        final CpuMeter followUpCpu = new CpuMeter();

        int lost() {
            return openerLost.get() + followUpLost.get();
        }

        CpuMeter cpu() {
            CpuMeter all = new CpuMeter();
            all.seconds = openerCpu.seconds + followUpCpu.seconds;
            all.ownSeconds = openerCpu.ownSeconds + followUpCpu.ownSeconds;
            all.turns = openerCpu.turns + followUpCpu.turns;
            return all;
        }
    }

    /** The daemon's CPU (with its stubs') over the waves it was started and stopped around. */
    private final class CpuMeter {
        double seconds;
        double ownSeconds;
        int turns;
        private double startedAt;
        private double ownStartedAt;

        void start() {
            ownStartedAt = daemon.ownCpuSeconds();
            startedAt = daemon.cpuSecondsWithDescendants();
        }

        void stop(int turnsInWave) {
            seconds += daemon.cpuSecondsWithDescendants() - startedAt;
            ownSeconds += daemon.ownCpuSeconds() - ownStartedAt;
            turns += turnsInWave;
        }

        double perTurnMs() {
            return turns == 0 ? Double.NaN : seconds * 1000 / turns;
        }

        double ownPerTurnMs() {
            return turns == 0 ? Double.NaN : ownSeconds * 1000 / turns;
        }

        String describe() {
            return String.format(Locale.ROOT, "%.2f ms (daemon %.2f + stubs %.2f; %d turns)", perTurnMs(), ownPerTurnMs(),
                    perTurnMs() - ownPerTurnMs(), turns);
        }
    }

    /** A process's figures from {@code /proc}. */
    private record Proc(long pid) {
        private static final double TICKS = 100.0; // USER_HZ on Linux

        record Memory(double rssMb, double hwmMb, double anonMb, double fileMb, int threads) {
            String describe() {
                return String.format(Locale.ROOT, "%.1f MB (anon %.1f, file %.1f; %d threads)", rssMb, anonMb, fileMb, threads);
            }
        }

        Memory memory() {
            Map<String, String> status = new HashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        status.put(line.substring(0, colon), line.substring(colon + 1).trim());
                    }
                }
            } catch (IOException e) {
                return new Memory(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            }
            return new Memory(mb(status.get("VmRSS")), mb(status.get("VmHWM")), mb(status.get("RssAnon")), mb(status.get("RssFile")),
                    Integer.parseInt(status.getOrDefault("Threads", "0")));
        }

        private static double mb(String kb) {
            return kb == null ? Double.NaN : Long.parseLong(kb.replaceAll("[^0-9]", "")) / 1024.0;
        }

        /** utime + stime + cutime + cstime (this process, and its children it has reaped), in seconds. */
        double cpuSecondsIfAlive() {
            long[] t = times();
            return (t[0] + t[1] + t[2] + t[3]) / TICKS;
        }

        /** utime + stime: this process's own threads only. */
        double ownCpuSeconds() {
            long[] t = times();
            return (t[0] + t[1]) / TICKS;
        }

        private long[] times() {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
            } catch (IOException | RuntimeException e) {
                return new long[4];
            }
        }

        /** This process's CPU, its reaped children's, and that of its descendants still running. */
        double cpuSecondsWithDescendants() {
            double total = cpuSecondsIfAlive();
            try (Stream<ProcessHandle> descendants = ProcessHandle.of(pid).map(ProcessHandle::descendants).orElse(Stream.empty())) {
                total += descendants.mapToDouble(p -> new Proc(p.pid()).cpuSecondsIfAlive()).sum();
            }
            return total;
        }
    }

    /** The printed table: latency rows (n, p50, p99, lost) and single figures, each with its target and whether it is met. */
    private static final class Table {
        private final List<String> rows = new ArrayList<>();
        private final List<String> figures = new ArrayList<>();

        void add(String scenario, List<Double> millis, int lost, String target, Boolean met) {
            rows.add(String.format(Locale.ROOT, "| %-24s | %4d | %8.1f | %8.1f | %4d | %-20s | %-4s |", scenario, millis.size(),
                    BenchTable.percentile(millis, 50), BenchTable.percentile(millis, 99), lost, target, verdict(met)));
        }

        void figure(String what, String value, String target, Boolean met) {
            figures.add(String.format(Locale.ROOT, "| %-44s | %-52s | %-9s | %-4s |", what, value, target, verdict(met)));
        }

        private static String verdict(Boolean met) {
            return met == null ? "" : met ? "ok" : "MISS";
        }

        void print() {
            System.out.println("| scenario                 |    n |   p50 ms |   p99 ms | lost | target               | met  |");
            System.out.println("|--------------------------|------|----------|----------|------|----------------------|------|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.println("| figure                                       | value                                                | target    | met  |");
            System.out.println("|----------------------------------------------|------------------------------------------------------|-----------|------|");
            figures.forEach(System.out::println);
        }
    }

    private static void kill(Process p) {
        if (p.isAlive()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind
        }
    }
}
