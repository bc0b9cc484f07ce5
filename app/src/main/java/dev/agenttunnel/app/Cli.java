package dev.agenttunnel.app;

import dev.agenttunnel.core.files.CorruptFileException;
import dev.agenttunnel.core.files.OversizedFileException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
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
        // -V / --version, like --config, means the same after a command's name as before it.
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        commandLine.setOut(ctx.out());
        commandLine.setErr(ctx.err());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> report(ctx, e));
        commandLine.setExecutionStrategy(parsed -> {
            checkConfigOption(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return commandLine;
    }

    /**
     * {@code --config} counts before the command's name as after it ({@link ConfigOption}); given in both places it must
     * say the same, and a command that reads no config refuses it, so that no command silently runs on another config.
     */
    private static void checkConfigOption(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        List<String> given = new ArrayList<>();
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            last = p;
            String value = p.matchedOptionValue("--config", (String) null);
            if (value != null) {
                given.add(value);
            }
        }
        CommandLine command = last.commandSpec().commandLine();
        if (given.stream().distinct().count() > 1) {
            throw new CommandLine.ParameterException(command, "--config is given twice, as " + given.get(0) + " and " + given.get(1)
                    + "; give it once, before or after the command.");
        }
        if (!given.isEmpty() && ConfigOption.of(last.commandSpec()).isEmpty()) {
            throw new CommandLine.ParameterException(command, "`" + last.commandSpec().qualifiedName() + "` reads no config file; "
                    + "leave out --config.");
        }
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
