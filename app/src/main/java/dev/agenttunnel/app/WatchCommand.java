package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.tmux.TmuxException;
import dev.agenttunnel.tmux.TmuxServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code agent-tunnel watch}: attaches this terminal to the private tmux server the tmux backend runs its forks in,
 * so the owner sees colleagues' conversations live (one window per thread) and can step in. Detaching ({@code C-b d})
 * leaves every fork running; the exit code is tmux's.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Watch the forks live: attach this terminal to the private tmux server (tmux -L <tmux_session>).",
            "One window per thread, opening on the one used last; switch with C-b n / C-b p, detach with C-b d (the forks keep running).",
            "Run it from a plain terminal, outside tmux."})
final class WatchCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    WatchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = ctx.settings(config);
        String session = settings.tunnel().tmuxSession();
        TmuxServer server;
        boolean running;
        try {
            server = new TmuxServer(session, ctx.env());
            running = server.hasSession();
        } catch (TmuxException e) {
            throw new CommandFailure(ExitCodes.REFUSED, e.getMessage());
        }
        if (!running) {
            throw new CommandFailure(ExitCodes.REFUSED, "No fork windows to watch yet: the private tmux server `tmux -L " + session
                    + "` starts with the first question answered by the tmux backend (`agent-tunnel serve --backend tmux`, "
                    + "or `backend = \"tmux\"` under [tunnel]).");
        }
        Map<String, String> env = new HashMap<>(ctx.env().variables());
        if (env.remove("TMUX") != null) {
            ctx.err().println("Note: this terminal is inside tmux, so the forks' server opens nested in it. Detach with the "
                    + "prefix key pressed twice, then d (C-b C-b d); a plain terminal is easier.");
            ctx.err().flush();
        }
        env.remove("TMUX_PANE");
        String target = mostRecentWindow(settings).map(server::target).orElse("=" + session);
        return AttachedProcess.run(List.of(server.tmuxBinary().toString(), "-L", session, "attach-session", "-t", target),
                ctx.env().workingDir(), env);
    }

    /**
     * The window of the thread a colleague used last, to open on (attaching to a window of the session makes it the
     * current one); none when state.json cannot be read, which only costs that choice.
     */
    private java.util.Optional<String> mostRecentWindow(Settings settings) {
        try {
            return ForkWindows.of(settings, ctx.env())
                    .mostRecent(new ThreadStore(settings.tunnel().statePath()).all().values(), settings.tunnel().backend());
        } catch (java.io.IOException e) {
            ctx.err().println("Note: cannot read " + settings.tunnel().statePath() + " (" + e.getMessage() + "), so watch opens on "
                    + "the session's current window.");
            return java.util.Optional.empty();
        }
    }
}
