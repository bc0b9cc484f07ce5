package dev.agenttunnel.app;

import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.DiscordSettings;
import dev.agenttunnel.core.config.DiscordToken;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.config.TunnelSettings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.discord.DiscordStartException;
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
        Token token = token(settings);
        if (discord.channelIds().isEmpty() && !discord.respondToDms()) {
            throw new CommandFailure(ExitCodes.REFUSED, "No channels to watch: set channel_ids under [discord] (or pass --channel ID), "
                    + "otherwise the bot would never answer.");
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(settings, ctx.env(), token.value());
        } catch (DiscordStartException e) {
            throw new CommandFailure(ExitCodes.DISCORD_FAILED, discordFailure(e, token, settings));
        }
        ctx.out().println(connected(daemon, settings));
        ctx.out().flush();
        daemon.awaitTermination();
        return ExitCodes.OK;
    }

    /** The bot token and where it came from, in the words of the config ({@code $NAME}, {@code token_file PATH}). */
    private record Token(String value, String source) {
    }

    /** The launcher's pipe first (it takes the token out of this process's environment), else token_env / token_file. */
    private Token token(Settings settings) throws CommandFailure {
        DiscordSettings discord = settings.discord();
        Optional<String> handedOver;
        try {
            handedOver = DiscordToken.handedOver(discord, ctx.env());
        } catch (IOException e) {
            throw new CommandFailure(ExitCodes.REFUSED, e.getMessage());
        }
        if (handedOver.isPresent()) {
            return new Token(handedOver.get(), "$" + discord.tokenEnv());
        }
        if (ctx.env().get(discord.tokenEnv()).isPresent()) {
            ctx.err().println("agent-tunnel: warning: the bot token is in this process's environment (" + discord.tokenEnv()
                    + "), where a fork with Bash could read it; start serve with the agent-tunnel launcher, which hands it over "
                    + "on a pipe, or use token_file.");
        }
        Optional<String> token = DiscordToken.resolve(discord, ctx.env());
        boolean fromEnv = ctx.env().get(discord.tokenEnv()).map(String::strip).filter(t -> !t.isEmpty()).isPresent();
        if (token.isPresent()) {
            return new Token(token.get(), fromEnv ? "$" + discord.tokenEnv() : "token_file " + ctx.env().resolve(discord.tokenFile()));
        }
        Optional<String> fileProblem = DiscordToken.fileProblem(discord, ctx.env());
        if (fileProblem.isPresent()) {
            throw new CommandFailure(ExitCodes.BAD_FILE, "The bot token file " + ctx.env().resolve(discord.tokenFile())
                    + " (token_file under [discord] in " + settings.configFile() + ") " + fileProblem.get() + ", and "
                    + discord.tokenEnv() + " is not set either. Put the bot's token in that file, or set " + discord.tokenEnv() + ".");
        }
        throw new CommandFailure(ExitCodes.REFUSED,
                "No Discord token found (set " + discord.tokenEnv() + " or discord.token_file in the config).");
    }

    /** Why serve could not use Discord, and what to do about it, as one paragraph. */
    private static String discordFailure(DiscordStartException e, Token token, Settings settings) {
        DiscordSettings discord = settings.discord();
        String again = ", then start serve again.";
        return switch (e.reason()) {
            case TOKEN_REJECTED -> "Discord rejected the bot token (from " + token.source() + "). Copy the bot's current token "
                    + "from the Discord Developer Portal (your application → Bot → Reset Token) into " + token.source() + again;
            case UNREACHABLE -> "Cannot reach Discord at " + discord.restUrl() + " (" + e.getMessage() + "). Check this machine's network connection (and rest_url / gateway_url under [discord] in "
                    + settings.configFile() + ", if you set them)" + again;
            case INTENT_DISALLOWED -> "Discord refused the bot's Message Content intent (gateway close code 4014); without it "
                    + "the bot would see every message empty. Turn on \"Message Content Intent\" in the Discord Developer Portal "
                    + "(your application → Bot → Privileged Gateway Intents)" + again;
            case NOT_READY -> "Discord did not get ready: " + e.getMessage() + ". Check this machine's network connection (and "
                    + "gateway_url under [discord] in " + settings.configFile() + ", if you set it)" + again;
            case OTHER -> "Cannot start the Discord bot: " + e.getMessage() + ".";
        };
    }

    /** The line serve prints once it is connected: who it is, where it listens, what it answers for. */
    private static String connected(Daemon daemon, Settings settings) throws IOException {
        DiscordSettings discord = settings.discord();
        List<String> watched = new java.util.ArrayList<>(discord.channelIds().stream()
                .map(id -> daemon.channelName(id).map(name -> name + " (" + id + ")").orElse(id + " (a channel the bot cannot see)"))
                .toList());
        if (discord.respondToDms()) {
            watched.add("direct messages");
        }
        List<String> handles = new Registry(settings.tunnel().registryPath()).active().stream().map(RegistryRecord::handle).toList();
        return "agent-tunnel: connected to Discord as " + daemon.botName() + "; watching " + String.join(", ", watched)
                + "; live handles: " + (handles.isEmpty() ? "none yet (type >share in a Claude Code session)" : String.join(", ", handles))
                + "; backend=" + settings.tunnel().backend() + ", registry=" + settings.tunnel().registryPath();
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
