package dev.agenttunnel.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code agent-tunnel help}: the command list, where to run what, then every command's full help. */
@Command(name = "help", description = "Show every command's help, and where to run each.")
final class HelpCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    ConfigOption config;

    private final CliContext ctx;

    HelpCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.parent().commandLine();
        ctx.out().print(root.getUsageMessage());
        ctx.out().println();
        ctx.out().println("Where to run what:");
        ctx.out().println("  >share ...   inside the Claude Code session you want to publish (it is a hook, not a command)");
        ctx.out().println("  serve        anywhere long-lived (a tmux pane, a service): the Discord daemon");
        ctx.out().println("  resume       a normal terminal: it hands the terminal to claude");
        ctx.out().println("  watch        a plain terminal outside tmux: it attaches to the forks' private tmux server");
        ctx.out().println("  ask          any terminal: asks a published session through a private fork");
        ctx.out().println("  everything else: anywhere");
        Map<String, CommandLine> sorted = new TreeMap<>(root.getSubcommands());
        for (Map.Entry<String, CommandLine> sub : sorted.entrySet()) {
            if (sub.getValue().getCommandSpec().usageMessage().hidden() || sub.getKey().equals("help")) {
                continue;
            }
            ctx.out().println();
            ctx.out().println("=".repeat(70));
            ctx.out().print(sub.getValue().getUsageMessage());
        }
        return ExitCodes.OK;
    }
}
