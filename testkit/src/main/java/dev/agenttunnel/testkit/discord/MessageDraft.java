package dev.agenttunnel.testkit.discord;

import java.util.List;
import java.util.Optional;

/** A message about to be stored: from a REST create request or from test code posting as a colleague. */
record MessageDraft(
        String channelId,
        String authorId,
        String content,
        List<Attachment> files,
        Optional<AllowedMentions> allowedMentions,
        Optional<String> replyToId) {

    MessageDraft {
        content = content == null ? "" : content;
        files = List.copyOf(files);
    }
}
