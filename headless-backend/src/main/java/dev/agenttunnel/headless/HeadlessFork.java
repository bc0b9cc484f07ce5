package dev.agenttunnel.headless;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ProcessSpec;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.fork.RunningTurn;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import dev.agenttunnel.core.registry.SessionTranscripts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The headless backend: one {@code claude -p} process per turn, question on stdin, stream-json on stdout read
 * to process exit. Every way a turn can go wrong (claude missing, non-zero exit, {@code is_error}, output that
 * is not claude's, a hang past the timeout) ends as one {@link TurnOutcome.Failed} with a clear message; a hung
 * claude is killed together with its child processes.
 */
public final class HeadlessFork implements ForkBackend {
    private static final int STDERR_TAIL = 4096;

    private final ClaudeCommand command;
    private final Environment env;

    public HeadlessFork(ClaudeCommand command, Environment env) {
        this.command = command;
        this.env = env;
    }

    @Override
    public RunningTurn start(TurnRequest request) {
        long started = System.nanoTime();
        ProcessSpec spec;
        try {
            spec = command.headless(request.turn(), env);
        } catch (AccessRefusedException e) {
            return RunningTurn.finished(new TurnOutcome.Failed(e.getMessage(), Optional.empty(), since(started)));
        }
        if (!java.nio.file.Files.isDirectory(spec.workingDir())) {
            return RunningTurn.finished(new TurnOutcome.Failed("The published session's project folder "
                    + spec.workingDir() + " no longer exists, so its fork cannot start. The owner can re-share the session "
                    + "from its new place.", Optional.empty(), since(started)));
        }
        Process process;
        try {
            process = start(spec);
        } catch (IOException e) {
            return RunningTurn.finished(new TurnOutcome.Failed(
                    "Could not run claude (`" + spec.argv().getFirst() + "`): " + e.getMessage()
                            + ". Install Claude Code, or set `binary` under [claude] in config.toml to its full path.",
                    Optional.empty(), since(started)));
        }
        return new ClaudeProcessTurn(process, request, started).begin();
    }

    private Process start(ProcessSpec spec) throws IOException {
        return start(spec, env, Map.of());
    }

    /**
     * Starts claude as {@code spec} says, the binary looked up on {@code env}'s PATH, in exactly {@code env} with the
     * spec's changes and {@code extra} (shared with {@link WarmClaude}).
     */
    static Process start(ProcessSpec spec, Environment env, Map<String, String> extra) throws IOException {
        String binary = spec.argv().getFirst();
        java.util.List<String> argv = new java.util.ArrayList<>(spec.argv());
        argv.set(0, Executables.find(binary, env)
                .orElseThrow(() -> new IOException(binary.contains("/") ? "no executable file there" : "not found on PATH"))
                .toString());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.workingDir().toFile());
        builder.environment().clear();
        builder.environment().putAll(env.variables());
        spec.applyTo(builder.environment());
        builder.environment().putAll(extra);
        return builder.start();
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** One claude process: feeds stdin, folds stdout, keeps stderr's tail, and decides the outcome at exit. */
    private static final class ClaudeProcessTurn implements RunningTurn {
        private final Process process;
        private final TurnRequest request;
        private final long started;
        private final StreamJsonTranscript transcript = new StreamJsonTranscript();
        private final TailBuffer stderr = new TailBuffer(STDERR_TAIL);
        private final TailBuffer stdoutTail = new TailBuffer(STDERR_TAIL);

        private final CompletableFuture<TurnOutcome> stopped = new CompletableFuture<>();
        private CompletionStage<TurnOutcome> outcome;

        ClaudeProcessTurn(Process process, TurnRequest request, long started) {
            this.process = process;
            this.request = request;
            this.started = started;
        }

        @Override
        public CompletionStage<TurnOutcome> outcome() {
            return outcome;
        }

        @Override
        public void cancel(String why) {
            if (!stopped.isDone() && process.isAlive()) {
                ProcessTrees.kill(process);
            }
            stopped.complete(new TurnOutcome.Failed(why, transcript.sessionId(), Duration.ofNanos(System.nanoTime() - started)));
        }

        RunningTurn begin() {
            Thread.ofVirtual().name("claude-stdin-" + process.pid()).start(this::writeQuestion);
            CompletableFuture<Void> stdout = CompletableFuture.runAsync(this::readStdout, VirtualThreads.EXECUTOR);
            CompletableFuture<Void> err = CompletableFuture.runAsync(() -> stderr.drain(process.getErrorStream()), VirtualThreads.EXECUTOR);
            CompletableFuture<TurnOutcome> finished = process.onExit()
                    .thenCombine(stdout, (p, ignored) -> p)
                    .thenCombine(err, (p, ignored) -> p)
                    .thenApply(p -> decide(p.exitValue()));
            CompletableFuture<TurnOutcome> timedOut = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (!finished.isDone()) {
                            ProcessTrees.kill(process);
                            timedOut.complete(new TurnOutcome.Failed(
                                    "Timed out after " + seconds(request.timeout()) + "s — claude was stopped. "
                                            + "Ask again, perhaps a smaller question.",
                                    transcript.sessionId(), Duration.ofNanos(System.nanoTime() - started)));
                        }
                    });
            outcome = finished.applyToEither(timedOut, o -> o).applyToEither(stopped, o -> o);
            return this;
        }

        private void writeQuestion() {
            try (OutputStream in = process.getOutputStream()) {
                in.write(request.question().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // claude exited before reading its question; the exit code and stderr tell why.
            }
        }

        private void readStdout() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    transcript.accept(line);
                    stdoutTail.append(line + "\n");
                    transcript.lastToolUses(line).forEach(use -> request.activity().accept(
                            dev.agenttunnel.core.fork.ToolActivity.describe(use.path("name").asText(""), use.path("input"),
                                    request.turn().projectDir())));
                }
            } catch (IOException e) {
                // The stream closes when the process is killed; what we have read decides the outcome.
            }
        }

        private TurnOutcome decide(int exitCode) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Optional<String> forkId = transcript.sessionId();
            Optional<String> missing = SessionTranscripts.missingSession(String.join("\n", transcript.errors()) + "\n" + stderr.text());
            if ((transcript.isError() || exitCode != 0) && missing.isPresent()) {
                return new TurnOutcome.SessionGone(missing.get(), !request.turn().forkSession(), elapsed);
            }
            if (transcript.isError()) {
                String text = transcript.resultText().isEmpty() ? String.join("; ", transcript.errors()) : transcript.resultText();
                return new TurnOutcome.Failed("claude reported an error: "
                        + (text.isEmpty() ? "(no details)" : cut(text, 500)), forkId, elapsed);
            }
            if (exitCode != 0) {
                String tail = stderr.text().isBlank() ? stdoutTail.text() : stderr.text();
                return new TurnOutcome.Failed("claude exited with code " + exitCode + ": " + lastChars(tail.strip(), 500), forkId, elapsed);
            }
            if (!transcript.hasResult()) {
                String shown = transcript.unparseableStart().isEmpty() ? cut(stdoutTail.text().strip(), 300) : transcript.unparseableStart();
                return new TurnOutcome.Failed("Unparseable claude output (no result line): "
                        + (shown.isEmpty() ? "(nothing printed)" : shown), forkId, elapsed);
            }
            String text = transcript.resultText();
            String fork = forkId.orElse(request.turn().resumeId());
            if (text.isEmpty()) {
                return new TurnOutcome.Failed("Empty answer from claude.", Optional.of(fork), elapsed);
            }
            return new TurnOutcome.Answered(fork, text, transcript.cost(transcript.costUsd()), elapsed);
        }
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    static String lastChars(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max);
    }

    /** Keeps the last {@code capacity} characters written to it; thread-safe. */
    static final class TailBuffer {
        private final int capacity;
        private final StringBuilder text = new StringBuilder();

        TailBuffer(int capacity) {
            this.capacity = capacity;
        }

        synchronized void append(String s) {
            text.append(s);
            if (text.length() > capacity) {
                text.delete(0, text.length() - capacity);
            }
        }

        synchronized String text() {
            return text.toString();
        }

        void drain(InputStream in) {
            try (var reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] buffer = new char[4096];
                int n;
                while ((n = reader.read(buffer)) >= 0) {
                    append(new String(buffer, 0, n));
                }
            } catch (IOException e) {
                // Closed when the process dies; the tail so far is what we report.
            }
        }
    }
}
