package dev.agenttunnel.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PacedProgressTest {
    /** Records posts and edits; the clock moves only when the test says so. */
    private static final class Chat implements ChatPort {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<String> post(String channelId, String text, List<OutgoingFile> files) {
            calls.add("post " + text);
            return CompletableFuture.completedFuture("m1");
        }

        @Override
        public CompletionStage<Void> edit(String channelId, String messageId, String text) {
            calls.add("edit " + messageId + " " + text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<String> openThread(String channelId, String messageId, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<String> reply(String channelId, String messageId, String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> react(String channelId, String messageId, String emoji) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<InputStream> download(ChatAttachment attachment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Void> typing(String channelId) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Ticking extends Clock {
        long millis;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void postsOnceThenEditsNoFasterThanThePaceAndEndsOnTheSummary() {
        Chat chat = new Chat();
        Ticking clock = new Ticking();
        PacedProgress progress = new PacedProgress(chat, "t", Duration.ofMillis(1500), clock);
        progress.show("⏳ Thinking · 2 s");
        progress.show("⏳ Thinking · 2 s"); // the same text: nothing to send
        clock.millis = 500;
        progress.show("⏳ Reading `a` · 2 s"); // too soon: held back
        clock.millis = 1600;
        progress.show("⏳ Reading `a` · 3 s");
        clock.millis = 1700;
        progress.show("⏳ Reading `b` · 3 s"); // held back, then replaced by the summary
        progress.finish("✔️ Done in 4 s").toCompletableFuture().join();
        assertEquals(List.of("post ⏳ Thinking · 2 s", "edit m1 ⏳ Reading `a` · 3 s", "edit m1 ✔️ Done in 4 s"), chat.calls);
    }

    @Test
    void aProgressNeverShownLeavesNothingToFinish() {
        Chat chat = new Chat();
        new PacedProgress(chat, "t", Duration.ofMillis(1500), new Ticking()).finish("✔️ Done").toCompletableFuture().join();
        assertEquals(List.of(), chat.calls);
    }
}
