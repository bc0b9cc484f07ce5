package dev.agenttunnel.headless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.claude.AccessRefusedException;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.claude.ProcessSpec;
import dev.agenttunnel.core.fork.ForkProcesses;
import dev.agenttunnel.core.fork.LiveSession;
import dev.agenttunnel.core.fork.SessionEvents;
import dev.agenttunnel.core.fork.SessionLauncher;
import dev.agenttunnel.core.fork.ToolActivity;
import dev.agenttunnel.core.fork.TurnOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Warm forks on the headless backend: {@code claude -p --input-format stream-json --output-format stream-json} stays
 * alive and takes one JSON line per question on stdin; each question ends with a {@code result} event. Observed with
 * claude 2.1.332: the first answer of a process takes its start-up (about 2 s with an instant model), later ones
 * 50–70 ms, with the context kept; {@code total_cost_usd} in a result counts from the process's start, so a turn's
 * cost is the difference to the previous result.
 */
public final class WarmClaude implements SessionLauncher {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int TAIL = 4096;

    private final ClaudeCommand command;
    private final Environment env;

    public WarmClaude(ClaudeCommand command, Environment env) {
        this.command = command;
        this.env = env;
    }

    @Override
    public LiveSession launch(String threadKey, ForkTurn turn, SessionEvents events) throws IOException, AccessRefusedException {
        ProcessSpec spec = command.streaming(turn, env);
        if (!Files.isDirectory(spec.workingDir())) {
            throw new IOException("The published session's project folder no longer exists, so its fork cannot start. The owner "
                    + "can re-share the session from its new place.");
        }
        Process process;
        try {
            process = HeadlessFork.start(spec, env, Map.of(ForkProcesses.THREAD_VARIABLE, threadKey));
        } catch (IOException e) {
            throw new IOException("Could not run claude (`" + spec.argv().getFirst() + "`): " + e.getMessage()
                    + ". Install Claude Code, or set `binary` under [claude] in config.toml to its full path.", e);
        }
        Session session = new Session(process, turn, events);
        session.begin();
        return session;
    }

    /** One warm claude: writes questions, folds its stdout into turns, reports its end. */
    private static final class Session implements LiveSession {
        private final Process process;
        private final ForkTurn launchedAs;
        private final SessionEvents events;
        private final HeadlessFork.TailBuffer stderr = new HeadlessFork.TailBuffer(TAIL);
        private final HeadlessFork.TailBuffer stdoutTail = new HeadlessFork.TailBuffer(TAIL);
        private final Path project;
        private OutputStream stdin;
        private StreamJsonTranscript turn = new StreamJsonTranscript();
        private double costSoFar;
        private long turnStarted = System.nanoTime();

        Session(Process process, ForkTurn launchedAs, SessionEvents events) {
            this.process = process;
            this.launchedAs = launchedAs;
            this.events = events;
            this.project = launchedAs.projectDir();
        }

        void begin() {
            stdin = process.getOutputStream();
            Thread.ofVirtual().name("warm-claude-" + process.pid()).start(this::readStdout);
            Thread.ofVirtual().name("warm-claude-err-" + process.pid()).start(() -> stderr.drain(process.getErrorStream()));
            process.onExit().thenRun(() -> events.ended(exitText()));
        }

        @Override
        public synchronized void send(String question) throws IOException {
            ObjectNode line = MAPPER.createObjectNode().put("type", "user");
            ObjectNode message = line.putObject("message").put("role", "user");
            message.putArray("content").addObject().put("type", "text").put("text", question);
            turnStarted = System.nanoTime();
            stdin.write((MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        @Override
        public void stop() {
            if (process.isAlive()) {
                ProcessTrees.kill(process);
            }
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public OptionalLong residentBytes() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Not Linux, or gone: nothing to tell.
            }
            return OptionalLong.empty();
        }

        private void readStdout() {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    stdoutTail.append(line + "\n");
                    accept(line);
                }
            } catch (IOException e) {
                // Closed when the process ends; its exit is reported by onExit.
            }
        }

        private void accept(String line) {
            turn.accept(line);
            JsonNode event;
            try {
                event = MAPPER.readTree(line);
            } catch (IOException e) {
                return;
            }
            String type = event.path("type").asText("");
            if (type.equals("assistant")) {
                for (JsonNode block : event.path("message").path("content")) {
                    if (block.path("type").asText("").equals("tool_use")) {
                        events.activity(ToolActivity.describe(block.path("name").asText(""), block.path("input"), project));
                    }
                }
            } else if (type.equals("result")) {
                finishTurn(event);
            }
        }

        private void finishTurn(JsonNode result) {
            StreamJsonTranscript done = turn;
            turn = new StreamJsonTranscript();
            double total = result.path("total_cost_usd").asDouble(costSoFar);
            double cost = Math.max(0, total - costSoFar);
            costSoFar = total;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - turnStarted);
            Optional<String> forkId = done.sessionId();
            Optional<String> missing = dev.agenttunnel.core.registry.SessionTranscripts.missingSession(
                    String.join("\n", done.errors()) + "\n" + done.resultText());
            if (done.isError() && missing.isPresent()) {
                events.answered(new TurnOutcome.SessionGone(missing.get(), !launchedAs.forkSession(), elapsed));
            } else if (done.isError()) {
                String text = done.resultText();
                events.answered(new TurnOutcome.Failed("claude reported an error: " + (text.isEmpty() ? "(no details)"
                        : HeadlessFork.cut(text, 500)), forkId, elapsed));
            } else if (done.resultText().isEmpty()) {
                events.answered(new TurnOutcome.Failed("Empty answer from claude.", forkId, elapsed));
            } else {
                events.answered(new TurnOutcome.Answered(forkId.orElse(launchedAs.resumeId()), done.resultText(), done.cost(cost), elapsed));
            }
        }

        private String exitText() {
            String tail = stderr.text().isBlank() ? stdoutTail.text() : stderr.text();
            return "claude exited with code " + process.exitValue() + (tail.isBlank() ? "" : ": " + HeadlessFork.lastChars(tail.strip(), 500));
        }
    }
}
