package dev.agenttunnel.app;

import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agent-tunnel forget}: drops conversation bindings. A forgotten Discord thread is closed, as after {@code !done}:
 * the bridge answers a message there by saying so and how to start a new thread; the next {@code ask --thread NAME}
 * of a forgotten {@code cli:} thread starts a new fork. The old forks' transcripts stay in claude's folder (and their
 * ids stay known, so they are never mistaken for a session). Not coordinated with a turn the daemon is running at that
 * moment.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Forget conversations.",
            "A forgotten Discord thread is closed, as after !done: a message there is told so, and to post `<handle> <question>` in the channel for a new thread.",
            "The next `ask --thread NAME` of a forgotten cli: thread starts a new fork.",
            "Needs exactly one of --thread KEY, --handle H or --all.",
            "Also closes the threads' tmux windows, stops their warm claudes and deletes their uploads and outboxes."})
final class ForgetCommand implements Callable<Integer> {
    @Option(names = "--thread", paramLabel = "KEY", description = "One thread, by key as `agent-tunnel status` shows it (such as cli:local-test).")
    String thread;

    @Option(names = "--handle", paramLabel = "H", description = "Every thread of this handle.")
    String handle;

    @Option(names = "--all", description = "Every thread.")
    boolean all;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    ForgetCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        long targets = Stream.of(thread != null, handle != null, all).filter(chosen -> chosen).count();
        if (targets != 1) {
            throw new CommandFailure(ExitCodes.USAGE, "forget needs exactly one of --thread KEY, --handle H or --all.");
        }
        Settings settings = ctx.settings(config);
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        List<ThreadRecord> forgotten;
        if (thread != null) {
            forgotten = store.remove(thread).map(List::of).orElseThrow(() -> new CommandFailure(ExitCodes.REFUSED,
                    "No thread '" + thread + "'. `agent-tunnel status` lists the thread keys (cli:<name>, th:<id>, dm:<id>)."));
        } else if (handle != null) {
            String key = Handles.normalise(handle);
            forgotten = store.removeByHandle(key);
            if (forgotten.isEmpty()) {
                ctx.out().println("No threads for handle '" + key + "'.");
            }
        } else {
            forgotten = store.removeAll();
            if (forgotten.isEmpty()) {
                ctx.out().println("Nothing to forget.");
            }
        }
        ThreadCleanup cleanup = ThreadCleanup.standard(settings.tunnel().stateDir(), settings.tunnel().backend(),
                ForkWindows.of(settings, ctx.env()));
        for (ThreadRecord record : forgotten) {
            ctx.out().println("Forgot " + record.threadKey());
            cleanup.release(record).forEach(problem -> ctx.err().println("  warning: " + record.threadKey() + ": " + problem));
        }
        return ExitCodes.OK;
    }
}
