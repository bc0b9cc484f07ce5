package dev.agenttunnel.app;

import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.claude.ForkTurn;
import dev.agenttunnel.core.claude.Persona;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.fork.TurnOutcome;
import dev.agenttunnel.core.fork.TurnRequest;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.registry.SessionTranscripts;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.core.turn.TurnPreparer;
import dev.agenttunnel.core.turn.TurnPreparer.Preparation;
import dev.agenttunnel.core.text.TerminalText;
import dev.agenttunnel.headless.HeadlessFork;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agent-tunnel ask}: the whole pipeline without a chat front-end. The first question in a thread forks
 * the published session; later questions in the same {@code --thread} continue that fork.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = {"Ask a published session a question from this terminal, through a private fork of it.",
            "The answer goes to stdout (at a terminal without control sequences; piped, as the model wrote it), "
                + "and [fork=<id> new|follow-up] to stderr.",
            "The fork always runs headless (claude -p per question), whatever [tunnel] backend says."})
final class AskCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUESTION", description = "The question (quote it).")
    String question;

    @Option(names = "--handle", paramLabel = "H", description = "The published handle to ask (needed for a new thread).")
    String handle;

    @Option(names = "--thread", paramLabel = "NAME", defaultValue = "local-test",
            description = "Conversation name; asking again with the same name continues the same fork (default: ${DEFAULT-VALUE}).")
    String thread;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    AskCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (question.isBlank()) {
            throw new CommandFailure(ExitCodes.USAGE, "The question is empty. Example: agent-tunnel ask \"what does X do?\" --handle payments");
        }
        if (thread.isBlank()) {
            throw new CommandFailure(ExitCodes.USAGE, "--thread must not be empty.");
        }
        Settings settings = ctx.settings(config);
        Registry registry = new Registry(settings.tunnel().registryPath());
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        String key = "cli:" + thread;

        binding(settings, registry, store, key);
        ClaudeCommand claude = ClaudeCommand.of(settings, ctx.env());
        Preparation preparation = new TurnPreparer(store, registry, claude, settings.tunnel().stateDir(),
                settings.limits(), java.time.Clock.systemUTC()).prepare(key, Optional.empty());
        ThreadRecord record = switch (preparation) {
            case Preparation.Ready ready -> ready.record();
            case Preparation.Refused refused -> throw new CommandFailure(ExitCodes.REFUSED, refused.reason());
            case Preparation.Rebound rebound -> throw new CommandFailure(ExitCodes.REFUSED, "Thread '" + thread + "' was bound anew meanwhile; ask again.");
            case Preparation.Unbound unbound -> throw new CommandFailure(ExitCodes.REFUSED, "Thread '" + thread + "' was forgotten meanwhile; ask again.");
        };
        ForkTurn turn = ((Preparation.Ready) preparation).turn();
        TurnOutcome outcome = run(new HeadlessFork(claude, ctx.env()),
                new TurnRequest(turn, Persona.fromTerminal(question), settings.limits().answerTimeout()));
        return switch (outcome) {
            case TurnOutcome.Answered answered -> {
                store.recordFork(key, answered.forkSessionId(), "");
                store.recordCost(key, record.handle(), answered.cost(), java.time.LocalDate.now(java.time.ZoneOffset.UTC));
                // The model can be steered by whoever asks: at a terminal its control sequences must not act.
                ctx.out().println(ctx.outIsTerminal() ? TerminalText.strip(answered.text()) : answered.text());
                ctx.err().println();
                ctx.err().println("[fork=" + answered.forkSessionId() + " " + (record.hasFork() ? "follow-up" : "new") + "]");
                yield ExitCodes.OK;
            }
            case TurnOutcome.Failed failed -> throw new CommandFailure(ExitCodes.CLAUDE_FAILED, failed.message());
            case TurnOutcome.SessionGone gone -> throw new CommandFailure(ExitCodes.CLAUDE_FAILED, gone(gone, record, settings));
        };
    }

    /** For the owner, at this machine: which session is gone, where its transcript was, and what to do. */
    private String gone(TurnOutcome.SessionGone gone, ThreadRecord record, Settings settings) {
        java.nio.file.Path configDir = !record.configDir().isEmpty() ? ctx.env().resolve(record.configDir())
                : settings.tunnel().claudeHome().orElseGet(ctx.env()::defaultClaudeConfigDir);
        String where = "its transcript " + SessionTranscripts.expected(configDir, record.projectDir(), gone.sessionId())
                + " was deleted or moved";
        return gone.fork()
                ? "This thread's fork " + gone.sessionId() + " is gone: claude has no conversation with that id (" + where
                        + "). Forget the thread (agent-tunnel forget --thread cli:" + thread + ") and ask again to start a new fork."
                : "The published session " + gone.sessionId() + " (handle '" + record.handle() + "') is gone: claude has no "
                        + "conversation with that id (" + where + "), so no fork of it can start. Revoke the handle (agent-tunnel "
                        + "revoke " + record.handle() + "), or >share a live session under it.";
    }

    private ThreadRecord binding(Settings settings, Registry registry, ThreadStore store, String key)
            throws IOException, CommandFailure {
        Optional<ThreadRecord> existing = store.get(key);
        if (existing.isPresent()) {
            ThreadRecord bound = existing.get();
            if (handle != null && !dev.agenttunnel.core.Handles.normalise(handle).equals(bound.handle())) {
                throw new CommandFailure(ExitCodes.REFUSED, "Thread '" + thread + "' is bound to handle '" + bound.handle()
                        + "'. Use another --thread for '" + handle + "', or leave out --handle to continue it.");
            }
            return bound;
        }
        if (handle == null || handle.isBlank()) {
            throw new CommandFailure(ExitCodes.USAGE, "Thread '" + thread + "' is new, so --handle is needed. "
                    + "`agent-tunnel published` lists the live handles.");
        }
        RegistryRecord target = registry.get(handle).orElseThrow(() -> new CommandFailure(ExitCodes.REFUSED,
                "No live handle '" + dev.agenttunnel.core.Handles.normalise(handle) + "'. `agent-tunnel published` lists the live "
                        + "handles; the owner publishes a session by typing >share in it."));
        // Always headless, whatever [tunnel] backend says: a window of this short-lived command would outlive it.
        return store.bind(key, target.handle(), target.sessionId(), target.cwd(), Backend.HEADLESS, target.configDir(),
                target.access(), "cli");
    }

    private static TurnOutcome run(HeadlessFork fork, TurnRequest request) throws InterruptedException, CommandFailure {
        try {
            return fork.start(request).outcome().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new CommandFailure(ExitCodes.CLAUDE_FAILED, "The turn failed unexpectedly: " + e.getCause());
        }
    }
}
