package dev.agenttunnel.actors;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import dev.agenttunnel.core.chat.BridgeTexts;

/**
 * The root of {@code agent-tunnel serve}: spawns the turn limiter, the idle-window reaper and the conversation router, opens the
 * {@link Gateway}, and owns shutdown — on SIGTERM/SIGINT (CoordinatedShutdown) it stops taking messages, then
 * aborts running turns, each thread being told, before the system stops.
 */
public final class Bridge {
    private static final Duration ABORT_TIMEOUT = Duration.ofSeconds(5);

    private Bridge() {
    }

    /** A running bridge: its actor system and the gateway the chat adapter feeds. */
    public record Running(ActorSystem<Void> system, Gateway gateway, ActorRef<Conversations.Command> conversations) {
        /** Hands the questions a previous run accepted and did not answer to their threads, in order, once. */
        public void replay(java.util.List<dev.agenttunnel.core.store.QuestionJournal.Pending> owed) {
            conversations.tell(new Conversations.Replay(owed));
        }

        /** Then handles what was posted while the bridge was down ({@link Conversations.CatchUp}). */
        public void catchUp(java.util.Map<String, String> marks, java.util.Set<String> owed) {
            conversations.tell(new Conversations.CatchUp(marks, owed));
        }

        /** Runs the shutdown sequence and completes when the actor system has terminated. */
        public CompletionStage<Done> stop() {
            return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
        }
    }

    public static Running start(BridgeDeps deps, String name, com.typesafe.config.Config config) {
        var gatewayCell = new java.util.concurrent.CompletableFuture<Gateway>();
        var conversationsCell = new java.util.concurrent.CompletableFuture<ActorRef<Conversations.Command>>();
        ActorSystem<Void> system = ActorSystem.create(root(deps, gatewayCell, conversationsCell), name, config);
        return new Running(system, gatewayCell.join(), conversationsCell.join());
    }

    private static Behavior<Void> root(BridgeDeps deps, java.util.concurrent.CompletableFuture<Gateway> gatewayCell,
            java.util.concurrent.CompletableFuture<ActorRef<Conversations.Command>> conversationsCell) {
        return Behaviors.setup(context -> {
            ActorRef<TurnPermits.Command> permits = context.spawn(
                    // A limiter bug must not lose permits silently: restart with an empty state is worse than stopping.
                    Behaviors.supervise(TurnPermits.create(deps.settings().limits().maxConcurrent())).onFailure(SupervisorStrategy.stop()),
                    "turn-permits");
            ActorRef<Reaper.Command> reaper = context.spawn(
                    // Its timers are lost on a restart; windows then stay open until their thread's next turn ends.
                    Behaviors.supervise(Reaper.create(deps.settings().limits().paneIdleTtl())).onFailure(SupervisorStrategy.restart()),
                    "reaper");
            ActorRef<WarmPool.Command> warmPool = context.spawn(
                    // Losing its list on a restart only lets more claudes stay warm until their idle TTL closes them.
                    Behaviors.supervise(WarmPool.create(deps.settings().limits().maxWarmForks())).onFailure(SupervisorStrategy.restart()),
                    "warm-pool");
            ActorRef<Conversations.Command> conversations = context.spawn(
                    // The router holds no state worth keeping over a crash; bindings live in state.json.
                    Behaviors.supervise(Conversations.create(deps, permits, reaper, warmPool)).onFailure(SupervisorStrategy.restart()),
                    "conversations");
            Gateway gateway = Gateway.start(context.getSystem(), conversations, deps.chat(), 1024);
            CoordinatedShutdown shutdown = CoordinatedShutdown.get(context.getSystem());
            shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-taking-messages", () -> {
                gateway.stop();
                return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
            });
            shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "abort-running-turns", () ->
                    AskPattern.<Conversations.Command, Done>ask(conversations,
                                    replyTo -> new Conversations.AbortAll(BridgeTexts.shuttingDown(), replyTo),
                                    ABORT_TIMEOUT, context.getSystem().scheduler())
                            .exceptionally(t -> Done.getInstance()));
            gatewayCell.complete(gateway);
            conversationsCell.complete(conversations);
            return Behaviors.empty();
        });
    }
}
