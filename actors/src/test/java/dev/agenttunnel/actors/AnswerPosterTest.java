package dev.agenttunnel.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agenttunnel.core.attachments.Outbox;
import dev.agenttunnel.core.chat.OutgoingFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AnswerPosterTest {
    @Test
    void deliverablesComeAfterTheirNotesTenFilesPerMessage() throws Exception {
        RecordingChat chat = new RecordingChat();
        List<OutgoingFile> files = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            files.add(new OutgoingFile("f" + i + ".txt", ("file " + i).getBytes()));
        }
        AnswerPoster.deliverables(chat, "t1", new Outbox.Deliverables(files, List.of("huge.bin (30.0 MB)"),
                List.of("key (a symbolic link)"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<RecordingChat.Call> posts = chat.calls().stream().filter(c -> c.kind().equals("post")).toList();
        assertEquals(4, posts.size(), posts.toString());
        assertEquals("⚠️ Produced but too large to post (raise limits.max_deliverable_mb): huge.bin (30.0 MB)", posts.get(0).text());
        assertEquals("⚠️ Not posted — only plain files saved in the outbox are delivered: key (a symbolic link)", posts.get(1).text());
        assertEquals("📎 Deliverable(s) from the agent:", posts.get(2).text());
        assertEquals(files.subList(0, 10), posts.get(2).files());
        assertEquals("📎 More deliverables:", posts.get(3).text());
        assertEquals(files.subList(10, 12), posts.get(3).files());
    }

    @Test
    void nothingToDeliverPostsNothing() throws Exception {
        RecordingChat chat = new RecordingChat();
        AnswerPoster.deliverables(chat, "t1", Outbox.Deliverables.none()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), chat.calls());
    }
}
