package dev.agenttunnel.actors;

import dev.agenttunnel.core.attachments.Outbox;
import dev.agenttunnel.core.chat.BridgeTexts;
import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.chat.Chunker;
import dev.agenttunnel.core.chat.OutgoingFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts an answer in a thread, in order: every 2000-code-point chunk as its own message, or — for an answer
 * longer than {@code max_inline_chars} — the first chunk with the whole text attached as {@code answer.md}; then the
 * fork's deliverables, at most {@value #FILES_PER_MESSAGE} files per message (Discord's limit).
 */
final class AnswerPoster {
    static final int FILES_PER_MESSAGE = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AnswerPoster.class);

    private AnswerPoster() {
    }

    /**
     * The notes on what was not posted (too large; not a plain file of the outbox), then the files in batches. A
     * batch that fails is logged and not retried; the next one is still tried. The stage never fails.
     */
    static CompletionStage<Void> deliverables(ChatPort chat, String channelId, Outbox.Deliverables deliverables) {
        CompletionStage<?> chain = CompletableFuture.completedFuture(null);
        if (!deliverables.tooLarge().isEmpty()) {
            chain = chain.thenCompose(ignored -> quietly(chat.post(channelId, BridgeTexts.tooLargeToPost(deliverables.tooLarge()), List.of()),
                    "Failed to post a note on deliverables"));
        }
        if (!deliverables.refused().isEmpty()) {
            chain = chain.thenCompose(ignored -> quietly(chat.post(channelId, BridgeTexts.notPosted(deliverables.refused()), List.of()),
                    "Failed to post a note on deliverables"));
        }
        List<OutgoingFile> files = deliverables.files();
        for (int from = 0; from < files.size(); from += FILES_PER_MESSAGE) {
            List<OutgoingFile> batch = files.subList(from, Math.min(files.size(), from + FILES_PER_MESSAGE));
            String caption = BridgeTexts.deliverables(from == 0);
            chain = chain.thenCompose(ignored -> quietly(chat.post(channelId, caption, batch), "Failed to post deliverables batch"));
        }
        return chain.thenApply(ignored -> null);
    }

    private static CompletionStage<Object> quietly(CompletionStage<String> post, String what) {
        return post.handle((id, failure) -> {
            if (failure != null) {
                LOG.error(what, failure);
            }
            return null;
        });
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
