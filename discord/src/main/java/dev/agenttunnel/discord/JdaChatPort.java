package dev.agenttunnel.discord;

import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.chat.OutgoingFile;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.ISnowflake;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.Message.MentionType;
import net.dv8tion.jda.api.entities.channel.attribute.IThreadContainer;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.utils.AttachmentProxy;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;

/**
 * The {@link ChatPort} over JDA's REST actions. Every call returns at once: the request is queued with
 * {@code submit()} (never {@code complete()}), and the stage completes on JDA's callback thread with the platform's
 * answer, or exceptionally with its error. A refusal JDA makes before sending (unknown channel, missing permission,
 * text over 2000 code points, an empty message) fails the stage too, never the caller.
 *
 * <p>Nothing the bot posts or edits can ping: every message carries {@code allowed_mentions} that parse nothing and
 * do not ping a replied-to author. Channels are text channels and threads of the bot's guilds, and DM channels
 * whose colleague has written to the bot since start (reopened by recipient when JDA has evicted them from its
 * small DM cache); any other id fails with {@link NoSuchElementException}.
 */
public final class JdaChatPort implements ChatPort {
    private static final EnumSet<MentionType> NO_MENTIONS = EnumSet.noneOf(MentionType.class);

    private final JDA jda;
    private final DirectChannels directChannels;

    JdaChatPort(JDA jda, DirectChannels directChannels) {
        this.jda = Objects.requireNonNull(jda, "jda");
        this.directChannels = Objects.requireNonNull(directChannels, "directChannels");
    }

    @Override
    public CompletionStage<String> openThread(String channelId, String messageId, String name) {
        return detached(() -> {
            IThreadContainer parent = jda.getChannelById(IThreadContainer.class, channelId);
            if (parent == null) {
                throw new NoSuchElementException("no channel " + channelId + " that can hold threads");
            }
            return parent.createThreadChannel(ThreadNames.fit(name), messageId).submit().thenApply(ISnowflake::getId);
        });
    }

    @Override
    public CompletionStage<String> post(String channelId, String text, List<OutgoingFile> files) {
        return detached(() -> channel(channelId).thenCompose(channel -> {
            MessageCreateBuilder message = quiet(text);
            files.forEach(f -> message.addFiles(FileUpload.fromData(f.content(), f.name())));
            return channel.sendMessage(message.build()).submit();
        }).thenApply(Message::getId));
    }

    @Override
    public CompletionStage<String> reply(String channelId, String messageId, String text) {
        return detached(() -> channel(channelId).thenCompose(channel -> channel.sendMessage(quiet(text).build())
                .setMessageReference(messageId)
                .submit()).thenApply(Message::getId));
    }

    @Override
    public CompletionStage<Void> edit(String channelId, String messageId, String text) {
        return detached(() -> channel(channelId).thenCompose(channel -> channel
                .editMessageById(messageId, new MessageEditBuilder()
                        .setContent(text)
                        .setAllowedMentions(NO_MENTIONS)
                        .mentionRepliedUser(false)
                        .build())
                .submit()).thenApply(edited -> null));
    }

    @Override
    public CompletionStage<Void> react(String channelId, String messageId, String emoji) {
        return detached(() -> channel(channelId).thenCompose(channel -> channel
                .addReactionById(messageId, Emoji.fromUnicode(emoji))
                .submit()));
    }

    /** Through JDA's own HTTP client, from the attachment's URL as the platform gave it (Discord's CDN). */
    @Override
    public CompletionStage<InputStream> download(ChatAttachment attachment) {
        return detached(() -> new AttachmentProxy(attachment.url()).withClient(jda.getHttpClient()).download());
    }

    @Override
    public CompletionStage<List<dev.agenttunnel.core.chat.ChatEvent>> history(String channelId, String afterMessageId, int limit) {
        return detached(() -> channel(channelId)
                .thenCompose(channel -> net.dv8tion.jda.api.entities.MessageHistory.getHistoryAfter(channel, afterMessageId)
                        .limit(limit).submit())
                .thenApply(history -> history.getRetrievedHistory().stream()
                        .filter(m -> !m.getType().isSystem())
                        .sorted(java.util.Comparator.comparingLong(net.dv8tion.jda.api.entities.ISnowflake::getIdLong))
                        .map(MessageTranslator::toChatEvent)
                        .toList()));
    }

    @Override
    public CompletionStage<Void> typing(String channelId) {
        return detached(() -> channel(channelId).thenCompose(channel -> channel.sendTyping().submit()));
    }

    /** A message builder with {@code text} that pings nobody. */
    private static MessageCreateBuilder quiet(String text) {
        return new MessageCreateBuilder()
                .setContent(text == null ? "" : text)
                .setAllowedMentions(NO_MENTIONS)
                .mentionRepliedUser(false);
    }

    /** The channel from JDA's cache, or an evicted DM channel reopened through its recipient. */
    private CompletableFuture<MessageChannel> channel(String channelId) {
        MessageChannel cached = jda.getChannelById(MessageChannel.class, channelId);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return directChannels.recipient(channelId)
                .map(userId -> jda.openPrivateChannelById(userId).submit().thenApply(MessageChannel.class::cast))
                .orElseGet(() -> CompletableFuture.failedFuture(new NoSuchElementException(
                        "no message channel " + channelId + " known to the Discord client")));
    }

    /**
     * Runs {@code request} and returns a stage of its own, completed with the request's value or with the bare
     * error (not wrapped in a {@link CompletionException}); cancelling or completing it cannot touch JDA's request,
     * and anything thrown before the request leaves becomes a failed stage.
     */
    private static <T> CompletionStage<T> detached(Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            request.get().whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable bare = error;
        while (bare instanceof CompletionException && bare.getCause() != null) {
            bare = bare.getCause();
        }
        return bare;
    }
}
