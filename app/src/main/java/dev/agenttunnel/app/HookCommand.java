package dev.agenttunnel.app;

import dev.agenttunnel.hooks.ShareHookMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agent-tunnel hook share}: the {@code >share} hook, run by the plugin's shell pre-filter. The launcher
 * starts {@link ShareHookMain} directly for speed; this command is the same entry through the CLI.
 */
@Command(name = "hook", hidden = true, description = "Run a Claude Code hook (used by the plugin).")
final class HookCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The hook to run: share.")
    String name;

    private final CliContext ctx;

    HookCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException, CommandFailure {
        if (!name.equals("share")) {
            throw new CommandFailure(ExitCodes.USAGE, "Unknown hook '" + name + "'. The only hook is: share.");
        }
        String stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        ShareHookMain.run(stdin, ctx.env(), Clock.systemUTC()).ifPresent(ctx.out()::println);
        return ExitCodes.OK;
    }
}
