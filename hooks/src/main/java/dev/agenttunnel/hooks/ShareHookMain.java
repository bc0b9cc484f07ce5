package dev.agenttunnel.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.registry.Registry;
import java.nio.file.Path;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Entry point of the {@code >share} UserPromptSubmit hook ({@code agent-tunnel hook share}): hook JSON on stdin,
 * at most one block decision on stdout, always exit 0. Kept free of the CLI framework so the JVM starts fast.
 * A failure on a {@code >share} prompt is reported to the owner as a block reason — never silently, which
 * would send the {@code >share} text to the model.
 */
public final class ShareHookMain {
    /** Set by the launcher to the lock file it holds for this process. */
    public static final String HELD_LOCK = "AGENT_TUNNEL_HELD_LOCK";

    private ShareHookMain() {
    }

    public static void main(String[] args) throws IOException {
        String stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        run(stdin, Environment.current(), Clock.systemUTC()).ifPresent(out::println);
        out.flush();
        // Everything is written, synced and closed: skip the JVM's orderly shutdown, which costs the waiting
        // owner more than the rest of the hook.
        Runtime.getRuntime().halt(0);
    }

    /** The line to print for this hook input, if any. */
    public static Optional<String> run(String stdin, Environment env, Clock clock) {
        Optional<String> reason;
        try {
            HookInput input = HookInput.parse(stdin);
            reason = new ShareHook(registry(env), env, clock).handle(input);
        } catch (IOException | RuntimeException e) {
            reason = Optional.of(Colours.yellow("agent-tunnel could not handle >share: " + e.getMessage()
                    + " — nothing was changed. Fix the problem above and type >share again."));
        }
        return reason.map(ShareHookMain::blockDecision);
    }

    /**
     * The registry at the hook's path. When the launcher already holds the registry's flock (it runs the JVM under
     * {@code flock <registry>.lock}, which saves the JVM linking native code on the owner's critical path) it
     * says so in {@value #HELD_LOCK}, and we do not lock again.
     */
    static Registry registry(Environment env) {
        Path path = Registry.hookPath(env);
        Path lockFile = Path.of(path + ".lock").toAbsolutePath().normalize();
        boolean held = env.get(HELD_LOCK).map(p -> Path.of(p).toAbsolutePath().normalize()).filter(lockFile::equals).isPresent();
        return held ? new Registry(path, ignored -> () -> { }) : new Registry(path);
    }

    static String blockDecision(String reason) {
        ObjectNode decision = JsonTrees.nodes().objectNode();
        decision.put("decision", "block");
        decision.put("reason", reason);
        try {
            return JsonTrees.compact(decision);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
