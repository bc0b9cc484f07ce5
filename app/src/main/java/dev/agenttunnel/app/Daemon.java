package dev.agenttunnel.app;

import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.actors.Bridge;
import dev.agenttunnel.actors.BridgeDeps;
import dev.agenttunnel.actors.ForkBackends;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.tmux.TmuxForks;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.attachments.OfficeConverter;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.store.ServeLock;
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.discord.DiscordConnection;
import dev.agenttunnel.core.fork.ForkProcesses;
import dev.agenttunnel.core.store.QuestionJournal;
import dev.agenttunnel.headless.HeadlessFork;
import dev.agenttunnel.headless.WarmClaude;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code serve}: the Discord connection, the fork backends and the files, wired into
 * the actor tree. Stopping it (or SIGTERM) runs the bridge's shutdown sequence, then closes Discord.
 */
final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger("agent-tunnel");

    private final Bridge.Running bridge;
    private final DiscordConnection connection;

    private Daemon(Bridge.Running bridge, DiscordConnection connection) {
        this.bridge = bridge;
        this.connection = connection;
    }

    /** The bot's name in Discord. */
    String botName() {
        return connection.botName();
    }

    /** A channel's name as the bot sees it ({@code #name}); empty when the bot cannot see it. */
    java.util.Optional<String> channelName(long channelId) {
        return connection.channelName(channelId);
    }

    /**
     * Starts the daemon, after taking its state folder's {@link ServeLock}; a {@link CommandFailure} says why it cannot
     * (another serve holds that folder, claude is missing). A {@link dev.agenttunnel.discord.DiscordStartException} says
     * why Discord cannot be used; nothing is left open then.
     */
    static Daemon start(Settings settings, Environment env, String token) throws java.io.IOException, CommandFailure {
        ServeLock lock = lock(settings);
        try {
            return start(settings, env, token, lock);
        } catch (java.io.IOException | CommandFailure | RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /** This state folder's lock; a daemon killed without stopping left its own, which is free and taken over. */
    private static ServeLock lock(Settings settings) throws java.io.IOException, CommandFailure {
        java.nio.file.Path stateDir = settings.tunnel().stateDir();
        return switch (ServeLock.tryAcquire(stateDir, ServeLock.Holder.thisProcess())) {
            case ServeLock.Acquired acquired -> {
                acquired.previous().ifPresent(dead -> LOG.warn("The serve before this one (pid {}, since {}) did not stop cleanly; "
                        + "taking over its state in {}", dead.pid(), when(dead.since()), stateDir));
                yield acquired.lock();
            }
            case ServeLock.Held held -> throw new CommandFailure(ExitCodes.ALREADY_RUNNING, "Another agent-tunnel serve is already "
                    + "running on the state in " + stateDir + held.holder().map(h -> " (pid " + h.pid() + ", since " + when(h.since()) + ")")
                            .orElse(" (it is starting up right now)")
                    + ". Two daemons on one state would answer every question twice, so this one does not start. Stop the other "
                    + held.holder().map(h -> "(kill " + h.pid() + ") ").orElse("") + "first, or give this one its own state_path under [tunnel].");
        };
    }

    static String when(java.time.Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")
                .format(instant.atZone(java.time.ZoneId.systemDefault()));
    }

    private static Daemon start(Settings settings, Environment env, String token, ServeLock lock)
            throws java.io.IOException, CommandFailure {
        // Every question needs claude: better no daemon than one that answers each of them with install advice.
        String claude = settings.claude().binary();
        if (dev.agenttunnel.core.files.Executables.find(claude, env).isEmpty()) {
            throw new CommandFailure(ExitCodes.CLAUDE_FAILED, "claude (" + claude + ") was not found"
                    + (claude.contains("/") ? "" : " on PATH") + ", and serve needs it to answer every question, so it does not "
                    + "start. Install Claude Code (npm install -g @anthropic-ai/claude-code), or set binary under [claude] in "
                    + settings.configFile() + " to its full path.");
        }
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
        String statePath = settings.tunnel().statePath().toString();
        int leftovers = ForkProcesses.stopLeftovers(statePath);
        if (leftovers > 0) {
            LOG.warn("Stopped {} claude process(es) left over from an agent-tunnel serve that ended without stopping them", leftovers);
        }
        QuestionJournal journal = new QuestionJournal(settings.tunnel().stateDir().resolve("journal.jsonl"));
        java.util.List<QuestionJournal.Pending> owed = journal.pending();
        journal.compact();
        store.moveAsideIfCorrupt().ifPresent(aside -> LOG.warn(
                "{} was not valid JSON; kept it as {} and started with no thread bindings (open threads need their handle again)",
                store.path(), aside));
        TmuxOnDemand tmux = new TmuxOnDemand(settings, env);
        if (settings.tunnel().backend() == Backend.TMUX) {
            tmux.startNow(); // before Discord: a missing tmux fails serve at once, leaving nothing open
        }
        EventRelay relay = new EventRelay();
        DiscordConnection connection;
        try {
            connection = quietWhileLoggingIn(() -> DiscordConnection.start(token, settings.discord().restUrl(),
                    settings.discord().gatewayUrl(), relay));
        } catch (RuntimeException e) {
            tmux.close();
            throw e;
        }
        ExecutorService blockingIo = Executors.newVirtualThreadPerTaskExecutor();
        ClaudeCommand command = ClaudeCommand.of(settings, env).marked(ForkProcesses.DAEMON_VARIABLE, statePath);
        HeadlessFork headless = new HeadlessFork(command, env);

        BridgeDeps deps = new BridgeDeps(connection.chatPort(), new Registry(settings.tunnel().registryPath()),
                store, journal, forks(headless, new WarmClaude(command, env), tmux), settings, command, new OfficeConverter(settings.attachments(), env), blockingIo,
                Clock.systemUTC(), connection.botUserId());
        Bridge.Running bridge = Bridge.start(deps, "agent-tunnel", ConfigFactory.load(Daemon.class.getClassLoader()));
        java.util.Optional<ClassArchive> classArchive = ClassArchive.requested();
        CoordinatedShutdown.get(bridge.system()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-discord", () -> {
            tmux.close();
            connection.close();
            blockingIo.shutdownNow();
            classArchive.ifPresent(ClassArchive::write);
            journal.close();
            try {
                lock.close();
            } catch (java.io.IOException e) {
                LOG.warn("Could not remove {}: {}", lock.path(), e.getMessage());
            }
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        relay.connect(bridge.gateway());
        if (!owed.isEmpty()) {
            LOG.info("Answering {} question(s) accepted before the last stop and not answered then", owed.size());
            bridge.replay(owed);
        }
        bridge.catchUp(new dev.agenttunnel.core.store.SeenMarks(settings.tunnel().stateDir().resolve("seen.json")).read(),
                owed.stream().map(p -> p.question().messageId()).collect(java.util.stream.Collectors.toSet()));
        LOG.info("Logged in as {}; watching channels {}", connection.botName(), settings.discord().channelIds());
        return new Daemon(bridge, connection);
    }

    /**
     * JDA logs its own errors while it logs in (a refused connection, a closed gateway), beside the failure it then
     * reports to us; serve reports a failed start once, as one paragraph, so JDA's log is off until it is ready.
     */
    private static <T> T quietWhileLoggingIn(java.util.function.Supplier<T> login) {
        if (!(LoggerFactory.getLogger("net.dv8tion.jda") instanceof ch.qos.logback.classic.Logger jda)) {
            return login.get();
        }
        ch.qos.logback.classic.Level level = jda.getLevel();
        jda.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            return login.get();
        } finally {
            jda.setLevel(level);
        }
    }

    /** The token's variable, and the launcher's notes on how it handed the token over. */
    private static ForkBackends forks(HeadlessFork headless, WarmClaude warm, TmuxOnDemand tmux) {
        return new ForkBackends() {
            @Override
            public java.util.Optional<dev.agenttunnel.core.fork.SessionLauncher> warmSessions() {
                return java.util.Optional.of(warm);
            }

            @Override
            public ForkBackend forThread(Backend backend, String handle, String threadKey) {
                return backend == Backend.HEADLESS ? headless : tmux.start().forThread(handle, threadKey);
            }

            @Override
            public void forget(Backend backend, String threadKey) {
                if (backend == Backend.TMUX) {
                    tmux.started().ifPresent(forks -> forks.forget(threadKey, "This conversation was closed."));
                }
            }

            @Override
            public boolean reap(Backend backend, String threadKey) {
                return backend == Backend.TMUX && tmux.started().map(forks -> forks.reap(threadKey)).orElse(false);
            }
        };
    }

    /** The tmux backend, started once: at start-up when configured, else when a thread bound under it first asks. */
    private static final class TmuxOnDemand {
        private final Settings settings;
        private final Environment env;
        private TmuxForks forks;
        private boolean closed;

        TmuxOnDemand(Settings settings, Environment env) {
            this.settings = settings;
            this.env = env;
        }

        /** The running backend; {@link IllegalStateException} with the reason when it cannot start (e.g. no tmux). */
        synchronized TmuxForks start() {
            try {
                return startNow();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("its tmux backend could not start: " + e.getMessage(), e);
            }
        }

        synchronized TmuxForks startNow() throws java.io.IOException {
            if (forks == null) {
                if (closed) {
                    throw new IllegalStateException("agent-tunnel is shutting down");
                }
                forks = TmuxForks.start(settings, env);
            }
            return forks;
        }

        synchronized java.util.Optional<TmuxForks> started() {
            return java.util.Optional.ofNullable(forks);
        }

        synchronized void close() {
            closed = true;
            if (forks != null) {
                forks.close();
            }
        }
    }

    /** Blocks until the daemon has stopped (after {@link #stop()} or a signal). */
    void awaitTermination() {
        bridge.system().getWhenTerminated().toCompletableFuture().join();
    }

    /** Stops taking messages, aborts running turns (telling their threads), closes Discord; returns when done. */
    void stop() {
        bridge.stop().toCompletableFuture().join();
        awaitTermination();
    }
}
