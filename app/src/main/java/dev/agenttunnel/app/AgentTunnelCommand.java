package dev.agenttunnel.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code agent-tunnel} command group. */
@Command(
        name = "agent-tunnel",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Let colleagues ask a private, permission-limited fork of your Claude Code session.%n"
                + "Publish a session by typing >share inside it; colleagues then ask it by handle.",
        subcommands = {
            ServeCommand.class,
            AskCommand.class,
            PublishedCommand.class,
            StatusCommand.class,
            ForksCommand.class,
            ResumeCommand.class,
            RenameCommand.class,
            RevokeCommand.class,
            ForgetCommand.class,
            WatchCommand.class,
            InitCommand.class,
            DoctorCommand.class,
            HelpCommand.class,
            HookCommand.class,
        })
public final class AgentTunnelCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    public AgentTunnelCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("agent-tunnel: a command is needed, e.g. `agent-tunnel published`. `agent-tunnel help` lists them all.");
        return ExitCodes.USAGE;
    }
}
