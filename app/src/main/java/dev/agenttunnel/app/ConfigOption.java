package dev.agenttunnel.app;

import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --config PATH}, accepted by every command, before its name or after it: {@code agent-tunnel --config F doctor}
 * is {@code agent-tunnel doctor --config F}. Given in both places, it is refused unless both say the same
 * ({@link Cli} checks that before a command runs).
 */
public final class ConfigOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--config", paramLabel = "PATH",
            description = {"Config file, before or after the command.", "Default: ~/.config/agent-tunnel/config.toml."})
    private String path;

    /** The {@code --config} given after this command's name, else the one given before it (to the command group). */
    public Optional<String> path() {
        return given().or(() -> Optional.ofNullable(mixee).map(CommandSpec::parent).flatMap(ConfigOption::of).flatMap(ConfigOption::path));
    }

    private Optional<String> given() {
        return Optional.ofNullable(path).filter(p -> !p.isBlank());
    }

    /** The {@code --config} option of a command, if it has one. */
    static Optional<ConfigOption> of(CommandSpec command) {
        return command.mixins().values().stream().map(CommandSpec::userObject)
                .filter(ConfigOption.class::isInstance).map(ConfigOption.class::cast).findFirst();
    }
}
