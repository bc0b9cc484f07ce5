package dev.agenttunnel.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agent-tunnel help [COMMAND]}: the command list, where to run what, then every command's full help (or one's). */
@Command(name = "help", mixinStandardHelpOptions = true,
        description = "Show every command's help and where to run each, or only COMMAND's.")
final class HelpCommand implements Callable<Integer> {
    /** Where each command is meant to run (the rest run anywhere); with its name, each line fits in 80 columns. */
    private static final Map<String, String> WHERE = whereToRun();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", description = "Only this command's help (e.g. ask).")
    String command;

    @picocli.CommandLine.Mixin
    ConfigOption config;

    private final CliContext ctx;

    HelpCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws CommandFailure {
        CommandLine root = spec.parent().commandLine();
        Map<String, CommandLine> sorted = new TreeMap<>();
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                sorted.put(name, sub);
            }
        });
        if (command != null) {
            CommandLine sub = sorted.get(command);
            if (sub == null) {
                throw new CommandFailure(ExitCodes.USAGE, "No command '" + command + "'. The commands: "
                        + String.join(", ", root.getSubcommands().keySet().stream().filter(sorted::containsKey).toList()) + ".");
            }
            ctx.out().print(sub.getUsageMessage());
            ctx.out().println();
            ctx.out().println("Where to run it — " + WHERE.getOrDefault(command, "anywhere"));
            return ExitCodes.OK;
        }
        ctx.out().print(root.getUsageMessage());
        ctx.out().println();
        ctx.out().println("Where to run what:");
        ctx.out().println("  >share ...   inside the Claude Code session to publish (a hook, not a command)");
        WHERE.forEach((name, where) -> ctx.out().printf("  %-12s %s%n", name, where));
        ctx.out().println("  everything else: anywhere");
        for (Map.Entry<String, CommandLine> sub : sorted.entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            ctx.out().println();
            ctx.out().println("=".repeat(70));
            ctx.out().print(sub.getValue().getUsageMessage());
        }
        return ExitCodes.OK;
    }

    private static Map<String, String> whereToRun() {
        Map<String, String> where = new LinkedHashMap<>();
        where.put("serve", "anywhere long-lived (a tmux pane, a service): the Discord daemon");
        where.put("resume", "a normal terminal: it hands the terminal to claude");
        where.put("watch", "a plain terminal outside tmux: it shows the forks' tmux server");
        where.put("ask", "any terminal: asks a published session through a private fork");
        return where;
    }
}
