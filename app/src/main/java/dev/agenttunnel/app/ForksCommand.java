package dev.agenttunnel.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.store.ThreadRecord;
import dev.agenttunnel.core.store.ThreadStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code agent-tunnel forks [HANDLE]}: the conversations that have a fork, most recently active first. */
@Command(name = "forks", mixinStandardHelpOptions = true,
        description = {"List the fork sessions of conversations (all handles, or one), most recently active first.",
            "Turns counts the questions in the fork's transcript, the published session's own included.",
            "`agent-tunnel resume HANDLE` opens one in claude; `agent-tunnel forget` clears them."})
final class ForksCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "HANDLE", description = "Only the forks of this handle.")
    String handle;

    @Option(names = "--json", description = "Print the rows as a JSON array (for scripts).")
    boolean json;

    @Option(names = {"--manage", "-m"},
            description = "Pick forks to clear at the terminal (their bindings, tmux windows, uploads and outboxes; "
                    + "transcripts stay), after a confirmation. --json takes precedence.")
    boolean manage;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    ForksCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (manage && !json && ctx.terminal().isEmpty()) {
            throw new CommandFailure(ExitCodes.REFUSED, "--manage needs an interactive terminal. In a script, use "
                    + "`agent-tunnel forget --thread KEY` (keys in `agent-tunnel forks --json`), --handle H or --all.");
        }
        Settings settings = ctx.settings(config);
        Optional<String> wanted = Optional.ofNullable(handle).map(Handles::normalise);
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        List<ThreadRecord> forks = ForkRow.forks(store.all().values(), wanted);
        java.util.Map<String, ThreadStore.Spent> spent = store.allSpent();
        double now = Clock.systemUTC().millis() / 1000.0;
        java.util.Set<String> live = new java.util.HashSet<>(ForkWindows.of(settings, ctx.env()).live());
        live.addAll(dev.agenttunnel.core.fork.ForkProcesses.warmThreads());
        List<ForkRow> rows = forks.stream().map(t -> ForkRow.of(t, settings, ctx.env(), now, live,
                spent.getOrDefault(t.threadKey(), ThreadStore.Spent.NOTHING))).toList();
        if (json) {
            ArrayNode array = JsonTrees.nodes().arrayNode();
            rows.forEach(row -> array.add(row.toJson()));
            ctx.out().print(new String(JsonTrees.pretty(array), StandardCharsets.UTF_8));
            return ExitCodes.OK;
        }
        if (rows.isEmpty()) {
            ctx.out().println("No fork sessions" + wanted.map(h -> " for handle '" + h + "'").orElse("") + " yet.");
            return ExitCodes.OK;
        }
        ctx.out().println("agent-tunnel forks");
        TextTable table = new TextTable(numbered("#", List.of("Handle", "Access", "Asker", "Last active", "Turns", "Status",
                "Project", "Fork", "Cost")));
        for (int i = 0; i < rows.size(); i++) {
            ForkRow row = rows.get(i);
            ThreadRecord t = row.thread();
            table.row(numbered(String.valueOf(i + 1), List.of(dash(t.handle()), ForkRow.accessLabel(t.access()), dash(t.asker()),
                    row.lastActive(), row.turns(), ForkRow.statusLabel(row.status()), row.project(), row.fork(), row.cost())));
        }
        table.print(ctx.out());
        return manage ? manage(settings, rows, ctx.terminal().orElseThrow()) : ExitCodes.OK;
    }

    /** Asks which of the listed forks to clear, confirms (the default is no), and clears each through its own backend. */
    private int manage(Settings settings, List<ForkRow> rows, java.io.BufferedReader terminal) throws java.io.IOException {
        List<Integer> picked;
        while (true) {
            ctx.out().print("Clear which forks? Numbers (1 3, 2-4) or all; Enter for none: ");
            ctx.out().flush();
            String line = terminal.readLine();
            if (line == null) {
                ctx.out().println();
                ctx.out().println("Cancelled.");
                return ExitCodes.OK;
            }
            ForkPicker.Choice choice = ForkPicker.parse(line, rows.size());
            if (choice instanceof ForkPicker.Choice.Picked p) {
                picked = p.positions();
                break;
            }
            ctx.out().println(((ForkPicker.Choice.Invalid) choice).message());
        }
        if (picked.isEmpty()) {
            ctx.out().println("Nothing selected.");
            return ExitCodes.OK;
        }
        ctx.out().print("Clear " + picked.size() + " fork(s)? Their conversations start afresh; transcripts stay. [y/N] ");
        ctx.out().flush();
        String answer = terminal.readLine();
        if (answer == null || !(answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"))) {
            ctx.out().println("Cancelled.");
            return ExitCodes.OK;
        }
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        ThreadCleanup cleanup = ThreadCleanup.standard(settings.tunnel().stateDir(), settings.tunnel().backend(),
                ForkWindows.of(settings, ctx.env()));
        for (int position : picked) {
            String key = rows.get(position).thread().threadKey();
            try {
                Optional<ThreadRecord> removed = store.remove(key);
                List<String> problems = removed.map(cleanup::release).orElse(List.of());
                if (problems.isEmpty()) {
                    ctx.out().println("Cleared " + key);
                } else {
                    ctx.out().println("Failed to clear " + key + ": " + String.join("; ", problems));
                }
            } catch (java.io.IOException e) {
                ctx.out().println("Failed to clear " + key + ": " + e.getMessage());
            }
        }
        return ExitCodes.OK;
    }

    /** With --manage, the cells behind a first column that numbers the rows for the picker. */
    private List<String> numbered(String number, List<String> cells) {
        if (!manage) {
            return cells;
        }
        List<String> all = new java.util.ArrayList<>(List.of(number));
        all.addAll(cells);
        return all;
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
