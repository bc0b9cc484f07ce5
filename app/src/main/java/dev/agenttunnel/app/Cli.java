package dev.agenttunnel.app;

import dev.agenttunnel.core.files.CorruptFileException;
import dev.agenttunnel.core.files.OversizedFileException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** The composition root of the CLI: builds the command tree around a {@link CliContext} and runs it. */
public final class Cli {
    private Cli() {
    }

    public static int run(CliContext ctx, String... args) {
        CommandLine commandLine = commandLine(ctx);
        int code = commandLine.execute(args);
        ctx.out().flush();
        ctx.err().flush();
        return code;
    }

    static CommandLine commandLine(CliContext ctx) {
        CommandLine commandLine = new CommandLine(AgentTunnelCommand.class, new ContextFactory(ctx));
        commandLine.setOut(ctx.out());
        commandLine.setErr(ctx.err());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> report(ctx, e));
        return commandLine;
    }

    private static int report(CliContext ctx, Exception e) {
        int code;
        String message;
        switch (e) {
            case CommandFailure f -> {
                code = f.exitCode();
                message = f.getMessage();
            }
            case CorruptFileException c -> {
                code = ExitCodes.BAD_FILE;
                message = c.getMessage();
            }
            case OversizedFileException o -> {
                code = ExitCodes.BAD_FILE;
                message = o.getMessage();
            }
            case IOException io -> {
                code = ExitCodes.BAD_FILE;
                message = "File problem: " + io.getMessage();
            }
            case InterruptedException i -> {
                code = ExitCodes.INTERRUPTED;
                message = "Interrupted.";
            }
            default -> {
                code = 70;
                message = "Unexpected error: " + e;
                e.printStackTrace(ctx.err());
            }
        }
        ctx.err().println("Error: " + message);
        return code;
    }

    /** Creates commands whose constructor takes a {@link CliContext}; everything else the default way. */
    private record ContextFactory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(CliContext.class);
                return constructor.newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
