package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.DiscordSettings;
import dev.agenttunnel.core.config.DiscordToken;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.config.TunnelSettings;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agent-tunnel serve}: the daemon. Connects to Discord, starts the actor tree, answers colleagues until
 * SIGTERM/SIGINT, then stops taking messages, tells threads whose turn it aborts, and exits within seconds.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Answer colleagues in Discord from forks of the published sessions (runs until stopped).",
            "Needs a bot token ([discord] token_env / token_file) and watched channels ([discord] channel_ids)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--backend", paramLabel = "headless|tmux", description = "Backend for new threads (default: [tunnel] backend).")
    String backend;

    @Option(names = "--channel", paramLabel = "ID", description = "Watched channel id (repeatable; replaces [discord] channel_ids).")
    List<Long> channels;

    @Option(names = "--token-env", paramLabel = "NAME", description = "Environment variable holding the bot token.")
    String tokenEnv;

    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = withOverrides(ctx.settings(config));
        DiscordSettings discord = settings.discord();
        String token = token(discord);
        if (discord.channelIds().isEmpty() && !discord.respondToDms()) {
            throw new CommandFailure(ExitCodes.REFUSED, "No channels to watch: set channel_ids under [discord] (or pass --channel ID), "
                    + "otherwise the bot would never answer.");
        }
        ctx.out().println("agent-tunnel: backend=" + settings.tunnel().backend() + " registry=" + settings.tunnel().registryPath()
                + " channels=" + discord.channelIds());
        ctx.out().flush();

        Daemon.start(settings, ctx.env(), token).awaitTermination();
        return ExitCodes.OK;
    }

    /** The launcher's pipe first (it takes the token out of this process's environment), else token_env / token_file. */
    private String token(DiscordSettings discord) throws CommandFailure {
        Optional<String> handedOver;
        try {
            handedOver = DiscordToken.handedOver(discord, ctx.env());
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.REFUSED, e.getMessage());
        }
        if (handedOver.isPresent()) {
            return handedOver.get();
        }
        if (ctx.env().get(discord.tokenEnv()).isPresent()) {
            ctx.err().println("agent-tunnel: warning: the bot token is in this process's environment (" + discord.tokenEnv()
                    + "), where a fork with Bash could read it; start serve with the agent-tunnel launcher, which hands it over "
                    + "on a pipe, or use token_file.");
        }
        return DiscordToken.resolve(discord, ctx.env()).orElseThrow(() -> new CommandFailure(ExitCodes.REFUSED,
                "No Discord token found (set " + discord.tokenEnv() + " or discord.token_file in the config)."));
    }

    private Settings withOverrides(Settings s) throws CommandFailure {
        TunnelSettings tunnel = s.tunnel();
        if (backend != null) {
            Backend chosen = Backend.parse(backend).orElseThrow(() -> new CommandFailure(ExitCodes.USAGE,
                    "Unknown backend: '" + backend + "' (use headless or tmux)."));
            tunnel = new TunnelSettings(chosen, tunnel.tmuxSession(), tunnel.platform(), tunnel.statePath(), tunnel.registryPath(),
                    tunnel.claudeHome(), tunnel.projectDir());
        }
        DiscordSettings d = s.discord();
        DiscordSettings discord = new DiscordSettings(tokenEnv != null ? tokenEnv : d.tokenEnv(), d.tokenFile(),
                channels != null ? channels : d.channelIds(), d.allowedUserIds(), d.allowedRoleIds(), d.respondToDms(),
                d.restUrl(), d.gatewayUrl(), d.progress());
        return new Settings(s.configFile(), tunnel, discord, s.claude(), s.limits(), s.attachments());
    }
}
