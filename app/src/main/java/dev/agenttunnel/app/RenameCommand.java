package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RenameResult;
import dev.agenttunnel.core.store.ThreadStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agent-tunnel rename OLD NEW}: moves a published handle, and the conversations bound to it, to a new name.
 * Colleagues use the new name for new threads; threads already open keep answering.
 */
@Command(name = "rename", mixinStandardHelpOptions = true,
        description = {"Rename a published handle; its open conversations follow it.",
            "NEW is made a handle as `>share NEW` does it: lower case, every run of other characters one dash",
            "(`Bad Name!` becomes bad-name); 2–32 letters, digits and dashes must remain."})
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
        return switch (new Registry(settings.tunnel().registryPath()).rename(oldHandle, newHandle)) {
            case RenameResult.Refused refused -> throw new CommandFailure(ExitCodes.REFUSED, refused.message()
                    + (refused.reason() == RenameResult.Reason.NOT_FOUND ? " `agent-tunnel published` lists the live handles." : ""));
            case RenameResult.Renamed renamed -> {
                String from = renamed.from().handle();
                String to = renamed.to().handle();
                int threads = new ThreadStore(settings.tunnel().statePath()).renameHandle(from, to);
                // tmux windows keep their names: each thread records its own (tmux_window), which forget and status use.
                ctx.out().println("Renamed '" + from + "' → '" + to + "' (registry, " + threads + " fork(s)).");
                yield ExitCodes.OK;
            }
        };
    }
}
