package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code help}: for every command or one, and help text that reads well at 80 columns. */
class HelpTextTest {
    TunnelWorld world;

    @BeforeEach
    void open() {
        world = new TunnelWorld();
    }

    @AfterEach
    void close() {
        world.close();
    }

    @Test
    void helpHasItsOwnHelpAndShowsOneCommand() {
        TunnelWorld.CliResult own = world.cli("help", "--help");
        assertEquals(0, own.code(), own.describe());
        assertTrue(own.out().startsWith("Usage: agent-tunnel help"), own.describe());

        TunnelWorld.CliResult ask = world.cli("help", "ask");
        assertEquals(0, ask.code(), ask.describe());
        assertTrue(ask.out().startsWith("Usage: agent-tunnel ask"), ask.describe());
        assertTrue(ask.out().contains("Where to run it — any terminal"), ask.describe());
        assertTrue(!ask.out().contains("Usage: agent-tunnel serve"), "only the one command\n" + ask.describe());

        TunnelWorld.CliResult unknown = world.cli("help", "frobnicate");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown.describe());
        assertTrue(unknown.err().contains("No command 'frobnicate'") && unknown.err().contains("ask, published"), unknown.describe());
    }

    /**
     * Each help text is rendered at picocli's default 80 columns. Every word of every description shows whole (a
     * path such as {@code ~/.config/agent-tunnel/config.toml} broken at a dot or slash does not), and every line a
     * description is given as ends a sentence (a line is a paragraph; picocli wraps it at spaces).
     */
    @Test
    void helpTextBreaksNoWordAndNoSentence() {
        CommandLine root = Cli.commandLine(new CliContext(new Environment(Map.of("HOME", "/nonexistent"), Path.of("/")),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        List<CommandLine> commands = new ArrayList<>(List.of(root));
        root.getSubcommands().values().stream().filter(c -> !c.getCommandSpec().usageMessage().hidden()).forEach(commands::add);
        List<String> problems = new ArrayList<>();
        for (CommandLine command : commands) {
            String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
            Set<String> shown = Arrays.stream(usage.split("\\s+")).collect(Collectors.toSet());
            for (String line : descriptions(command.getCommandSpec())) {
                if (!line.matches("(?s).*[.:!?)]$") && !line.isBlank()) {
                    problems.add(command.getCommandName() + ": \"" + line + "\" is not a whole sentence");
                }
                for (String word : line.split("\\s+")) {
                    if (!word.isEmpty() && !word.contains("${") && !shown.contains(word)) {
                        problems.add(command.getCommandName() + ": \"" + word + "\" is broken across lines");
                    }
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        TunnelWorld.CliResult help = world.cli("help");
        assertEquals(List.of(), help.out().lines().filter(l -> l.codePointCount(0, l.length()) > 80).toList(), "lines over 80 columns");
    }

    private static List<String> descriptions(CommandSpec spec) {
        List<String> lines = new ArrayList<>();
        Arrays.stream(spec.usageMessage().description()).forEach(d -> lines.addAll(Arrays.asList(d.split("%n"))));
        spec.options().forEach(o -> lines.addAll(Arrays.asList(o.description())));
        spec.positionalParameters().forEach(p -> lines.addAll(Arrays.asList(p.description())));
        return lines.stream().map(String::strip).toList();
    }
}
