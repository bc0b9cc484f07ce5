package dev.agenttunnel.app;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ConfigError;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * What every command gets from the composition root: the environment, the writers to print to, and — for the few
 * commands that ask the person something — the terminal's input, when there is a person at one.
 */
public final class CliContext {
    private final Environment env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Optional<BufferedReader> terminal;
    private final boolean outIsTerminal;

    /** A context without a person to ask (scripts, tests): interactive commands refuse to run. */
    public CliContext(Environment env, PrintWriter out, PrintWriter err) {
        this(env, out, err, Optional.empty());
    }

    /** @param terminal what the person types, when the command runs at an interactive terminal (its output one too) */
    public CliContext(Environment env, PrintWriter out, PrintWriter err, Optional<BufferedReader> terminal) {
        this(env, out, err, terminal, terminal.isPresent());
    }

    /**
     * @param terminal      what the person types, when the command runs at an interactive terminal
     * @param outIsTerminal whether {@code out} reaches a terminal (also with stdin redirected)
     */
    public CliContext(Environment env, PrintWriter out, PrintWriter err, Optional<BufferedReader> terminal, boolean outIsTerminal) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.outIsTerminal = outIsTerminal;
    }

    /** The person's input, if this runs at an interactive terminal. */
    public Optional<BufferedReader> terminal() {
        return terminal;
    }

    /** Whether {@link #out()} reaches a terminal, which acts on control sequences in what it is sent. */
    public boolean outIsTerminal() {
        return outIsTerminal;
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
