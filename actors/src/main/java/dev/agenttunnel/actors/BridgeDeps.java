package dev.agenttunnel.actors;

import dev.agenttunnel.core.attachments.OfficeConverter;
import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.claude.ClaudeCommand;
import dev.agenttunnel.core.config.Backend;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.fork.ForkBackend;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.store.QuestionJournal;
import dev.agenttunnel.core.store.ThreadStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * What the actor tree needs from the outside world, handed in by the composition root: the chat, the files,
 * the fork backends, and an executor for blocking file I/O (never the actors' own dispatcher).
 *
 * @param journal   the durable inbox: questions accepted and not yet answered in their thread
 * @param command   the claude command line of this installation (its fence, its {@code all} gate)
 * @param converter how Office files that colleagues attach are made readable
 * @param botUserId the bridge's own user id in the chat, to tell a mention of the bot from side chat
 */
public record BridgeDeps(
        ChatPort chat,
        Registry registry,
        ThreadStore store,
        QuestionJournal journal,
        ForkBackends forks,
        Settings settings,
        ClaudeCommand command,
        OfficeConverter converter,
        Executor blockingIo,
        Clock clock,
        String botUserId) {
    /** Deps whose threads all run on the given backends, shared by every thread (tests, the headless daemon). */
    public static ForkBackends shared(Map<Backend, ForkBackend> backends) {
        Map<Backend, ForkBackend> copy = Map.copyOf(backends);
        return (backend, handle, threadKey) -> {
            ForkBackend found = copy.get(backend);
            if (found == null) {
                throw new IllegalStateException("the " + backend + " backend is not available in this daemon");
            }
            return found;
        };
    }
}
