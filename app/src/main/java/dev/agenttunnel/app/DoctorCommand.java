package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.ConfigError;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.DiscordToken;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.store.ThreadStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code agent-tunnel doctor}: a readiness checklist, each failed item saying what to do. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check that everything agent-tunnel needs is in place.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final CliContext ctx;
    private boolean failed;

    DoctorCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings;
        Path configFile = ConfigLoader.configPath(config.path(), ctx.env());
        try {
            settings = ConfigLoader.load(config.path(), ctx.env());
            check(true, "Config " + configFile + (Files.exists(configFile) ? "" : " (not present: all defaults)"), "");
        } catch (ConfigError e) {
            check(false, "Config " + configFile, e.getMessage());
            return finish();
        }
        Optional<Path> claude = checkClaude(settings);
        checkRegistry(settings);
        checkState(settings);
        checkHook();
        if (claude.isPresent()) {
            checkPlugin(claude.get());
        }
        Optional<String> token = DiscordToken.resolve(settings.discord(), ctx.env());
        check(token.isPresent(), "Discord token (" + settings.discord().tokenEnv() + " or token_file) — needed by serve",
                "set " + settings.discord().tokenEnv() + " or token_file under [discord]");
        boolean listens = !settings.discord().channelIds().isEmpty() || settings.discord().respondToDms();
        check(listens, "Watched channel(s): " + (settings.discord().channelIds().isEmpty() ? "none set" : settings.discord().channelIds())
                + (settings.discord().respondToDms() ? " + DMs" : ""), "set channel_ids under [discord] (or respond_to_dms = true)");
        if (settings.tunnel().backend() == Backend.TMUX) {
            check(Executables.find("tmux", ctx.env()).isPresent(), "tmux on PATH (backend = tmux)", "install tmux");
        }
        ctx.out().println(dev.agenttunnel.core.claude.ForkFence.sandboxCanRun(ctx.env())
                ? "  • Bash sandbox for bash-level forks: on (bubblewrap and socat found)"
                : "  • Bash sandbox for bash-level forks: OFF — bubblewrap or socat is missing (apt-get install bubblewrap socat); "
                        + "without it a colleague on a >share --dangerously-allow-bash handle can read and change everything your user can");
        ctx.out().println();
        ctx.out().println("backend=" + settings.tunnel().backend() + "  registry=" + settings.tunnel().registryPath());
        return finish();
    }

    /** Checks claude is installed and answers; returns it when it is. */
    private Optional<Path> checkClaude(Settings settings) throws InterruptedException {
        String binary = settings.claude().binary();
        Optional<Path> found = Executables.find(binary, ctx.env());
        if (found.isEmpty()) {
            check(false, "claude (" + binary + ")", "not found; install Claude Code (npm install -g @anthropic-ai/claude-code) "
                    + "or set binary under [claude] to its full path");
            return Optional.empty();
        }
        Optional<String> version = version(found.get());
        check(version.isPresent(), "claude: " + found.get() + version.map(v -> " (" + v + ")").orElse(""),
                "it did not answer --version within 15 s");
        return version.isPresent() ? found : Optional.empty();
    }

    /** Whether claude really loads the >share plugin (not only whether its files were once installed). */
    private void checkPlugin(Path claude) throws InterruptedException {
        PluginCheck.Result plugin = PluginCheck.run(claude, ctx.env());
        check(plugin.ok(), plugin.label(), plugin.fix());
        plugin.notes().forEach(note -> ctx.out().println("  • Note: " + note));
    }

    private Optional<String> version(Path claude) throws InterruptedException {
        try {
            ProcessBuilder builder = new ProcessBuilder(claude.toString(), "--version").redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(ctx.env().variables());
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void checkRegistry(Settings settings) {
        Registry registry = new Registry(settings.tunnel().registryPath());
        try {
            int live = registry.active().size();
            check(true, "Registry " + registry.path() + ": " + live + " live handle(s)", "");
        } catch (IOException e) {
            check(false, "Registry " + registry.path(), e.getMessage());
        }
    }

    private void checkState(Settings settings) {
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        try {
            check(true, "State " + store.path() + ": " + store.all().size() + " thread(s)", "");
        } catch (IOException e) {
            check(false, "State " + store.path(), e.getMessage());
        }
    }

    private void checkHook() {
        Optional<Path> tool = ctx.env().get("AGENT_TUNNEL_BIN").map(ctx.env()::resolve)
                .or(() -> Executables.find("agent-tunnel", ctx.env()))
                .or(() -> Executables.find(ctx.env().home().resolve(".local/bin/agent-tunnel").toString(), ctx.env()));
        check(tool.isPresent(), ">share hook can find agent-tunnel" + tool.map(t -> ": " + t).orElse(""),
                "run ./install in the agent-tunnel repository (puts agent-tunnel in ~/.local/bin and installs the plugin)");
    }

    private void check(boolean ok, String label, String fix) {
        ctx.out().println((ok ? "  ✓ " : "  ✗ ") + label + (ok || fix.isEmpty() ? "" : " — " + fix));
        failed |= !ok;
    }

    private int finish() {
        if (failed) {
            ctx.out().println("Some checks failed — see above.");
            return ExitCodes.REFUSED;
        }
        return ExitCodes.OK;
    }
}
