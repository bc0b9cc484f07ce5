package dev.agenttunnel.testkit.discord;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a message the emulator stored: posted by the bot over REST or injected by test code as a
 * colleague. An edit produces a new version with the same id and {@code edits} one higher.
 *
 * @param id              the message id (a snowflake)
 * @param channelId       the text channel, thread or DM channel it is in
 * @param authorId        who wrote it
 * @param byBot           whether the author is the emulated bot (the client under test)
 * @param content         the text
 * @param files           attached files, in order
 * @param allowedMentions the {@code allowed_mentions} the client sent; empty when it sent none (and for injected messages)
 * @param replyToId       the id in the {@code message_reference}; empty when not a reply
 * @param postedAt        when it was stored
 * @param edits           how many times it has been edited (0 for the original)
 */
public record PostedMessage(
        String id,
        String channelId,
        String authorId,
        boolean byBot,
        String content,
        List<PostedFile> files,
        Optional<AllowedMentions> allowedMentions,
        Optional<String> replyToId,
        Instant postedAt,
        int edits) {

    public PostedMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(authorId, "authorId");
        content = content == null ? "" : content;
        files = List.copyOf(files);
        Objects.requireNonNull(allowedMentions, "allowedMentions");
        Objects.requireNonNull(replyToId, "replyToId");
        Objects.requireNonNull(postedAt, "postedAt");
    }

    /** The attached file called {@code name}, if any. */
    public Optional<PostedFile> file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** This message with new text (and, when the edit sent them, new allowed mentions), as one more edit. */
    PostedMessage edited(String newContent, Optional<AllowedMentions> newAllowedMentions) {
        return new PostedMessage(id, channelId, authorId, byBot, newContent, files,
                newAllowedMentions.or(() -> allowedMentions), replyToId, postedAt, edits + 1);
    }

    /** One line for assertion messages. */
    public String summary() {
        String text = content.length() > 80 ? content.substring(0, 80) + "…" : content;
        return "%s in %s by %s%s%s: %s%s".formatted(id, channelId, byBot ? "bot " : "", authorId,
                replyToId.map(r -> " (reply to " + r + ")").orElse(""), text.replace("\n", "⏎"),
                files.isEmpty() ? "" : " +files " + files.stream().map(PostedFile::name).toList())
                + (edits > 0 ? " [edited " + edits + "x]" : "");
    }
}
