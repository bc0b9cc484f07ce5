package dev.agenttunnel.app;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agent-tunnel resume HANDLE}: opens one of a handle's forks in an interactive claude, in the fork's project
 * and config dir, to see or continue what colleagues were told. Exits with claude's exit code.
 *
 * <p>claude clears the screen as it starts, so what this has to say — the handle's forks, which one it opens, that the
 * fork also runs in a tmux window — is shown first and waits for Enter, and is summed up again once claude exits. It
 * needs a terminal: without one claude cannot run interactively (it fails with words about a "deferred tool marker"),
 * so this refuses first.
 */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Open a fork of HANDLE in an interactive claude (the most recent one unless --fork says which).",
            "Run it in a terminal: claude takes it over until you quit.",
            "When HANDLE has several forks, or the fork also runs in a tmux window, it says so first and waits for Enter.",
            "Exits with claude's exit code.",
            "Avoid it while a colleague's question is being answered in the same fork."})
final class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HANDLE")
    String handle;

    @Option(names = "--fork", paramLabel = "PREFIX", description = "The fork whose id starts with PREFIX (see `agent-tunnel forks`).")
    String forkPrefix;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    ResumeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = ctx.settings(config);
        String key = Handles.normalise(handle);
        List<ThreadRecord> forks = ForkRow.forks(new ThreadStore(settings.tunnel().statePath()).all().values(), Optional.of(key));
        if (forks.isEmpty()) {
            throw new CommandFailure(ExitCodes.REFUSED, "No fork sessions for handle '" + key + "'. `agent-tunnel forks` lists them.");
        }
        ForkWindows windows = ForkWindows.of(settings, ctx.env());
        java.util.Set<String> live = windows.live();
        ThreadRecord chosen = forkPrefix != null ? byPrefix(forks, key) : forks.getFirst();
        Path project = Path.of(chosen.projectDir());
        if (chosen.projectDir().isEmpty() || !Files.isDirectory(project)) {
            throw new CommandFailure(ExitCodes.REFUSED, "Cannot enter " + (chosen.projectDir().isEmpty() ? "the fork's project" : project)
                    + ": the folder does not exist (any more).");
        }
        Path claude = Executables.find(settings.claude().binary(), ctx.env()).orElseThrow(() -> new CommandFailure(
                ExitCodes.CLAUDE_FAILED, "claude (" + settings.claude().binary() + ") not found. Install Claude Code, "
                        + "or set binary under [claude] in config.toml to its full path."));
        if (ctx.terminal().isEmpty() || !ctx.outIsTerminal()) {
            throw new CommandFailure(ExitCodes.REFUSED, "resume opens the fork in an interactive claude, which needs this "
                    + "command's input and output to be a terminal; here one of them is piped or redirected. Run it in a "
                    + "terminal (`agent-tunnel forks " + key + "` lists the forks from anywhere).");
        }
        List<String> notes = new java.util.ArrayList<>();
        if (forkPrefix == null && forks.size() > 1) {
            notes.addAll(forkList(forks, settings, live));
        }
        if (ForkWindows.isLive(chosen, settings.tunnel().backend(), live)) {
            notes.add("Note: this fork also runs in window " + ForkWindows.windowOf(chosen) + " of the private tmux server, and "
                    + "two claudes on one fork write one transcript. `agent-tunnel watch` shows that window; `agent-tunnel forget "
                    + "--thread " + chosen.threadKey() + "` closes it.");
        }
        if (!notes.isEmpty() && !confirmed(notes, chosen)) {
            ctx.err().println("Cancelled: nothing was opened.");
            return ExitCodes.INTERRUPTED;
        }
        ctx.out().flush();
        ctx.err().flush();
        int exit;
        try {
            exit = AttachedProcess.run(List.of(claude.toString(), "--resume", chosen.forkSessionId()), project,
                    environment(chosen, ctx.env()));
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.CLAUDE_FAILED, "Cannot start " + claude + ": " + e.getMessage());
        }
        if (!notes.isEmpty()) {
            // claude's screen replaced what was said before it started: the gist again, now that it is gone.
            ctx.err().println("Resumed fork " + ForkRow.shortId(chosen.forkSessionId()) + " of '" + chosen.handle() + "'"
                    + (chosen.asker().isEmpty() ? "" : " (asked by " + chosen.asker() + ")")
                    + (forks.size() > 1 ? "; it has " + forks.size() + " forks, `agent-tunnel resume " + key
                            + " --fork <id prefix>` opens another" : "") + ".");
            notes.stream().filter(n -> n.startsWith("Note:")).forEach(ctx.err()::println);
        }
        return exit;
    }

    /** Shows {@code notes} and waits for Enter before claude takes the screen; false when the person ends the input. */
    private boolean confirmed(List<String> notes, ThreadRecord chosen) throws IOException {
        notes.forEach(ctx.err()::println);
        ctx.err().print("Press Enter to open fork " + ForkRow.shortId(chosen.forkSessionId()) + " in claude (Ctrl-C to cancel) ");
        ctx.err().flush();
        return ctx.terminal().orElseThrow().readLine() != null;
    }

    private ThreadRecord byPrefix(List<ThreadRecord> forks, String key) throws CommandFailure {
        return forks.stream()
                .filter(t -> t.forkSessionId().startsWith(forkPrefix.strip()))
                .findFirst()
                .orElseThrow(() -> new CommandFailure(ExitCodes.REFUSED, "No fork of '" + key + "' starts with '" + forkPrefix
                        + "'. Its forks: " + String.join(", ", forks.stream().map(t -> ForkRow.shortId(t.forkSessionId())).toList())
                        + "."));
    }

    /** The lines that show a handle's forks, most recent (the one opened) first, and how to pick another. */
    private List<String> forkList(List<ThreadRecord> forks, Settings settings, java.util.Set<String> live) {
        double now = Clock.systemUTC().millis() / 1000.0;
        List<String> lines = new java.util.ArrayList<>();
        lines.add("handle '" + forks.getFirst().handle() + "' has " + forks.size() + " forks (resuming the most recent, ←):");
        for (ThreadRecord fork : forks) {
            ForkRow row = ForkRow.of(fork, settings, ctx.env(), now, live, dev.agenttunnel.core.store.ThreadStore.Spent.NOTHING);
            lines.add((fork == forks.getFirst() ? "  ← " : "    ") + fork.handle()
                    + (fork.configDir().isEmpty() ? "" : " [" + Path.of(fork.configDir()).getFileName() + "]")
                    + "  asker=" + (fork.asker().isEmpty() ? "-" : fork.asker()) + "  " + row.lastActive()
                    + "  " + row.turns() + " turns  fork=" + row.fork());
        }
        lines.add("Pick another with --fork <id prefix>.");
        return lines;
    }

    /**
     * The caller's environment, with {@code CLAUDE_CONFIG_DIR} pointing at the fork's config dir. For the default
     * dir it is removed instead: setting it even to {@code ~/.claude} moves claude's state file, and the fork
     * would not be found.
     */
    static Map<String, String> environment(ThreadRecord fork, Environment env) {
        Map<String, String> vars = new HashMap<>(env.variables());
        if (fork.configDir().isEmpty()) {
            return vars;
        }
        if (isDefaultConfigDir(fork.configDir(), env)) {
            vars.remove("CLAUDE_CONFIG_DIR");
        } else {
            vars.put("CLAUDE_CONFIG_DIR", fork.configDir());
        }
        return vars;
    }

    /** As {@code ClaudeCommand.isDefaultConfigDir} decides it for the forks' turns. */
    private static boolean isDefaultConfigDir(String configDir, Environment env) {
        return CanonicalPaths.canonical(Path.of(configDir)).equals(CanonicalPaths.canonical(env.defaultClaudeConfigDir()));
    }
}
