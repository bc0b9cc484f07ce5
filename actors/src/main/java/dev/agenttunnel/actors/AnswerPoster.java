package dev.agenttunnel.actors;

import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.chat.Chunker;
import dev.agenttunnel.core.chat.OutgoingFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Posts an answer in a thread, in order: every 2000-code-point chunk as its own message, or — for an answer
 * longer than {@code max_inline_chars} — the first chunk with the whole text attached as {@code answer.md}.
 */
final class AnswerPoster {
    private AnswerPoster() {
    }

    static CompletionStage<Void> post(ChatPort chat, String channelId, String answer, int maxInlineChars) {
        List<String> chunks = Chunker.chunks(answer, Chunker.DISCORD_LIMIT);
        if (chunks.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (Chunker.length(answer) > maxInlineChars) {
            OutgoingFile file = new OutgoingFile("answer.md", answer.getBytes(StandardCharsets.UTF_8));
            return chat.post(channelId, chunks.getFirst(), List.of(file)).thenApply(id -> null);
        }
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        for (String chunk : chunks) {
            chain = chain.thenCompose(ignored -> chat.post(channelId, chunk, List.of()));
        }
        return chain.thenApply(ignored -> null);
    }
}
