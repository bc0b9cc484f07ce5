package dev.agenttunnel.app;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ConfigError;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import java.io.PrintWriter;
import java.util.Optional;

/** What every command gets from the composition root: the environment and the writers to print to. */
public final class CliContext {
    private final Environment env;
    private final PrintWriter out;
    private final PrintWriter err;

    public CliContext(Environment env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public Environment env() {
        return env;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** Loads and validates the configuration; a problem becomes a {@link CommandFailure} naming the file. */
    public Settings settings(ConfigOption option) throws CommandFailure {
        try {
            return ConfigLoader.load(option.path(), env);
        } catch (ConfigError e) {
            throw new CommandFailure(ExitCodes.BAD_FILE, e.getMessage());
        }
    }
}
