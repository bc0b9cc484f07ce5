package dev.agenttunnel.app;

import dev.agenttunnel.core.claude.ClaudeCommand;
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
import java.util.List;
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
        checkLogin(settings);
        checkRegistry(settings);
        checkState(settings);
        checkHook();
        if (claude.isPresent()) {
            checkPlugin(claude.get());
        }
        Optional<String> token = DiscordToken.resolve(settings.discord(), ctx.env());
        check(token.isPresent(), "Discord token (" + settings.discord().tokenEnv() + " or token_file) — needed by serve",
                DiscordToken.fileProblem(settings.discord(), ctx.env())
                        .map(problem -> "token_file " + ctx.env().resolve(settings.discord().tokenFile()) + " " + problem
                                + "; put the bot's token in it, or set " + settings.discord().tokenEnv())
                        .orElse("set " + settings.discord().tokenEnv() + " or token_file under [discord]"));
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
        ctx.out().println("  • Office-attachment converter: "
                + new dev.agenttunnel.core.attachments.OfficeConverter(settings.attachments(), ctx.env()).describe());
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

    /**
     * Forks run on the owner's claude login, and {@code unset_api_key = true} (the default) takes ANTHROPIC_API_KEY and
     * ANTHROPIC_AUTH_TOKEN from them: an owner who logs claude in with an API key only gets "Not logged in" from every
     * fork. The heuristic: such a key here, unset_api_key on, no CLAUDE_CODE_OAUTH_TOKEN (which forks keep), and no
     * {@code .credentials.json} (where claude keeps a subscription login on Linux; macOS keeps it in the Keychain, where
     * we cannot look) in a config dir the forks use.
     */
    private void checkLogin(Settings settings) {
        List<String> keys = ClaudeCommand.API_KEY_VARIABLES.stream().filter(v -> ctx.env().get(v).filter(s -> !s.isBlank()).isPresent()).toList();
        boolean oauthToken = ctx.env().get("CLAUDE_CODE_OAUTH_TOKEN").filter(s -> !s.isBlank()).isPresent();
        List<Path> withoutLogin = forkConfigDirs(settings).stream().filter(dir -> !Files.exists(dir.resolve(".credentials.json"))).toList();
        boolean mac = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
        String label = "Claude login for forks: ";
        if (!keys.isEmpty() && !settings.claude().unsetApiKey()) {
            check(true, label + String.join(" / ", keys) + " from the environment (unset_api_key = false)", "");
        } else if (oauthToken || withoutLogin.isEmpty()) {
            check(true, label + (oauthToken ? "CLAUDE_CODE_OAUTH_TOKEN" : "your subscription login (.credentials.json)"), "");
        } else if (mac) {
            ctx.out().println("  • " + label + "your subscription login, which macOS keeps in the Keychain (not checked)"
                    + (keys.isEmpty() ? "" : "; unset_api_key = true keeps " + String.join(" / ", keys) + " from forks"));
        } else if (!keys.isEmpty()) {
            check(false, label + String.join(" / ", keys) + " is set, but unset_api_key = true (under [claude]) takes it from every "
                    + "fork, and " + String.join(", ", withoutLogin.stream().map(Path::toString).toList()) + " holds no subscription "
                    + "login (.credentials.json), so forks would fail \"Not logged in · Please run /login\"",
                    "set unset_api_key = false under [claude] in " + settings.configFile() + " to let forks use the key, or log "
                            + "claude in with a Claude subscription (run claude, then /login)");
        } else {
            ctx.out().println("  • " + label + "no subscription login found (no .credentials.json in "
                    + String.join(", ", withoutLogin.stream().map(Path::toString).toList()) + ") and no API key here; if forks "
                    + "say \"Not logged in\", run claude and /login");
        }
    }

    /** The config dirs forks run under: each live handle's session's, or claude's default for a session that names none. */
    private List<Path> forkConfigDirs(Settings settings) {
        Path fallback = ctx.env().get("CLAUDE_CONFIG_DIR").filter(s -> !s.isBlank()).map(ctx.env()::resolve)
                .orElseGet(ctx.env()::defaultClaudeConfigDir);
        java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        try {
            new Registry(settings.tunnel().registryPath()).active()
                    .forEach(r -> dirs.add(r.configDir().isEmpty() ? fallback : ctx.env().resolve(r.configDir())));
        } catch (IOException e) {
            // checkRegistry reports an unreadable registry; the default dir is still worth a look
        }
        if (dirs.isEmpty()) {
            dirs.add(fallback);
        }
        return List.copyOf(dirs);
    }

    private void checkRegistry(Settings settings) {
        Registry registry = new Registry(settings.tunnel().registryPath());
        try {
            java.util.List<dev.agenttunnel.core.registry.RegistryRecord> live = registry.active();
            check(true, "Registry " + registry.path() + ": " + live.size() + " live handle(s)", "");
            for (dev.agenttunnel.core.registry.RegistryRecord record : live) {
                dev.agenttunnel.core.registry.SessionTranscripts.gone(record).ifPresent(transcript -> check(false,
                        "Handle '" + record.handle() + "': the transcript of its session " + record.sessionId() + " is gone ("
                                + transcript + " was deleted or moved)",
                        "no fork of it can start; revoke it (agent-tunnel revoke " + record.handle()
                                + ") or >share a live session under that name"));
            }
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
