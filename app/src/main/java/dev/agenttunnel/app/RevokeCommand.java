package dev.agenttunnel.app;

import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.registry.Registry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code agent-tunnel revoke HANDLE}: stop new threads on a handle, even when its session is gone. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a handle: no new threads can open on it.",
            "Threads already open keep answering until closed (!done) or forgotten."})
final class RevokeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HANDLE")
    String handle;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    RevokeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Registry registry = new Registry(ctx.settings(config).tunnel().registryPath());
        String key = Handles.normalise(handle);
        return switch (registry.revoke(key)) {
            case REVOKED -> {
                ctx.out().println("Revoked handle '" + key + "'.");
                yield ExitCodes.OK;
            }
            case ALREADY_REVOKED -> {
                ctx.out().println("Handle '" + key + "' was already revoked; nothing changed.");
                yield ExitCodes.OK;
            }
            case NOT_FOUND -> throw new CommandFailure(ExitCodes.REFUSED,
                    "No handle '" + key + "' in the registry. `agent-tunnel published` lists the live handles.");
        };
    }
}
