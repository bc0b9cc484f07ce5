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
            description = "Not available yet (picking forks to clear interactively). Use `agent-tunnel forget` meanwhile.")
    boolean manage;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    ForksCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (manage && !json) {
            throw new CommandFailure(ExitCodes.REFUSED, "--manage is not available yet. Use `agent-tunnel forget --thread KEY` "
                    + "(keys in `agent-tunnel status`), --handle H or --all.");
        }
        Settings settings = ctx.settings(config);
        Optional<String> wanted = Optional.ofNullable(handle).map(Handles::normalise);
        List<ThreadRecord> forks = ForkRow.forks(new ThreadStore(settings.tunnel().statePath()).all().values(), wanted);
        double now = Clock.systemUTC().millis() / 1000.0;
        java.util.Set<String> live = ForkWindows.of(settings, ctx.env()).live();
        List<ForkRow> rows = forks.stream().map(t -> ForkRow.of(t, settings, ctx.env(), now, live)).toList();
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
        TextTable table = new TextTable(List.of("Handle", "Access", "Asker", "Last active", "Turns", "Status", "Project", "Fork"));
        for (ForkRow row : rows) {
            ThreadRecord t = row.thread();
            table.row(List.of(dash(t.handle()), ForkRow.accessLabel(t.access()), dash(t.asker()), row.lastActive(), row.turns(),
                    ForkRow.statusLabel(row.status()), row.project(), row.fork()));
        }
        table.print(ctx.out());
        return ExitCodes.OK;
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
