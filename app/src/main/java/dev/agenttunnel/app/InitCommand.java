package dev.agenttunnel.app;

import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agent-tunnel init}: writes a commented sample config whose values are the defaults. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a commented sample config.toml.")
final class InitCommand implements Callable<Integer> {
    @Option(names = "--path", paramLabel = "P", description = "Where to write it (default: the --config file, else the default config file).")
    String path;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @picocli.CommandLine.Mixin
    ConfigOption config;

    private final CliContext ctx;

    InitCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException, CommandFailure {
        Path target = ConfigLoader.configPath(Optional.ofNullable(path).or(config::path), ctx.env());
        if (Files.exists(target) && !force) {
            throw new CommandFailure(ExitCodes.REFUSED, target + " exists — use --force to overwrite.");
        }
        AtomicFiles.replace(target, sample());
        ctx.out().println("Wrote " + target);
        return ExitCodes.OK;
    }

    static byte[] sample() throws IOException {
        try (InputStream in = InitCommand.class.getResourceAsStream("/sample-config.toml")) {
            if (in == null) {
                throw new IOException("sample-config.toml is missing from the agent-tunnel jar");
            }
            return in.readAllBytes();
        }
    }
}
