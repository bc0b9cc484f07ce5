package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RenameResult;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.tmux.WindowNames;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agent-tunnel rename OLD NEW}: moves a published handle, and the conversations bound to it, to a new name.
 * Colleagues use the new name for new threads; threads already open keep answering, and their live tmux windows are
 * renamed to match (a running daemon follows: it addresses windows by tmux's id).
 */
@Command(name = "rename", mixinStandardHelpOptions = true,
        description = {"Rename a published handle; its open conversations (and their live tmux windows) follow it.",
            "NEW is made a handle as `>share NEW` does it: lower case, every run of other characters one dash (`Bad Name!` becomes bad-name).",
            "2–32 letters, digits and dashes must remain."})
final class RenameCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OLD")
    String oldHandle;

    @Parameters(index = "1", paramLabel = "NEW")
    String newHandle;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    RenameCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = ctx.settings(config);
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        return switch (new Registry(settings.tunnel().registryPath()).rename(oldHandle, newHandle)) {
            case RenameResult.Refused refused -> throw new CommandFailure(ExitCodes.REFUSED, refused.message()
                    + (refused.reason() == RenameResult.Reason.NOT_FOUND ? " `agent-tunnel published` lists the live handles." : ""));
            case RenameResult.Renamed renamed -> {
                String from = renamed.from().handle();
                String to = renamed.to().handle();
                List<ThreadRecord> moving = store.all().values().stream().filter(t -> t.handle().equals(from)).toList();
                int threads = store.renameHandle(from, to);
                int windows = renameWindows(settings, store, moving, to);
                ctx.out().println("Renamed '" + from + "' → '" + to + "' (registry, " + threads + " fork(s)"
                        + (windows == 0 ? "" : ", " + windows + " tmux window(s)") + ").");
                yield ExitCodes.OK;
            }
        };
    }

    /**
     * Gives the live tmux windows of the renamed threads the new handle's names (as a new launch would name them), and
     * records the new names. Returns how many were renamed.
     */
    private int renameWindows(Settings settings, ThreadStore store, List<ThreadRecord> moved, String to) throws java.io.IOException {
        ForkWindows windows = ForkWindows.of(settings, ctx.env());
        Set<String> live = windows.live();
        int renamed = 0;
        for (ThreadRecord thread : moved) {
            if (!ForkWindows.isLive(thread, settings.tunnel().backend(), live)) {
                continue;
            }
            String before = ForkWindows.windowOf(thread);
            String after = WindowNames.of(to, thread.threadKey());
            if (!before.equals(after) && windows.rename(before, after)) {
                store.renameWindow(thread.threadKey(), before, after);
                renamed++;
            }
        }
        return renamed;
    }
}
