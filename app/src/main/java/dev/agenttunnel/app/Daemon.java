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
import dev.agenttunnel.core.store.ThreadStore;
import dev.agenttunnel.discord.DiscordConnection;
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

    private Daemon(Bridge.Running bridge) {
        this.bridge = bridge;
    }

    static Daemon start(Settings settings, Environment env, String token) throws java.io.IOException {
        ThreadStore store = new ThreadStore(settings.tunnel().statePath());
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
            connection = DiscordConnection.start(token, settings.discord().restUrl(), settings.discord().gatewayUrl(), relay);
        } catch (RuntimeException e) {
            tmux.close();
            throw e;
        }
        ExecutorService blockingIo = Executors.newVirtualThreadPerTaskExecutor();
        ClaudeCommand command = ClaudeCommand.of(settings, env);
        HeadlessFork headless = new HeadlessFork(command, env);

        BridgeDeps deps = new BridgeDeps(connection.chatPort(), new Registry(settings.tunnel().registryPath()),
                store, forks(headless, new WarmClaude(command, env), tmux), settings, command, new OfficeConverter(settings.attachments(), env), blockingIo,
                Clock.systemUTC(), connection.botUserId());
        Bridge.Running bridge = Bridge.start(deps, "agent-tunnel", ConfigFactory.load(Daemon.class.getClassLoader()));
        java.util.Optional<ClassArchive> classArchive = ClassArchive.requested();
        CoordinatedShutdown.get(bridge.system()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-discord", () -> {
            tmux.close();
            connection.close();
            blockingIo.shutdownNow();
            classArchive.ifPresent(ClassArchive::write);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        relay.connect(bridge.gateway());
        LOG.info("Logged in as {}; watching channels {}", connection.botName(), settings.discord().channelIds());
        return new Daemon(bridge);
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
