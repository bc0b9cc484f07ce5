package dev.agenttunnel.discord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.chat.ChatPort;
import dev.agenttunnel.core.chat.OutgoingFile;
import dev.agenttunnel.testkit.discord.AddedReaction;
import dev.agenttunnel.testkit.discord.AllowedMentions;
import dev.agenttunnel.testkit.discord.CreatedThread;
import dev.agenttunnel.testkit.discord.DiscordEmulator;
import dev.agenttunnel.testkit.discord.PostedFile;
import dev.agenttunnel.testkit.discord.PostedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The ChatPort over the real JDA, checked against what the Discord emulator recorded. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdaChatPortTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ChatEventInbox inbox = new ChatEventInbox();
    private DiscordEmulator discord;
    private DiscordConnection connection;
    private ChatPort chat;
    private String channel;
    private String alice;

    @BeforeAll
    void connect() {
        discord = DiscordEmulator.start();
        channel = discord.createTextChannel("ask-the-expert");
        alice = discord.createUser("alice", "Alice");
        connection = DiscordConnection.start(discord.token(), discord.restUrl(), discord.gatewayUrl(), inbox,
                WAIT);
        chat = connection.chatPort();
    }

    @AfterAll
    void disconnect() {
        if (connection != null) {
            connection.close();
        }
        discord.close();
    }

    @Test
    void opensAPublicThreadFromTheQuestion() throws Exception {
        String question = questionFromAlice("pay how does the ledger work?");

        String thread = done(chat.openThread(channel, question, "pay: how does the ledger work?"));

        CreatedThread created = discord.awaitThread(t -> t.id().equals(thread), WAIT);
        assertEquals(new CreatedThread(thread, "pay: how does the ledger work?", channel, question,
                discord.botUserId()), created);
    }

    @Test
    void cutsThreadNamesToDiscordsLimit() throws Exception {
        String question = questionFromAlice("pay " + "x".repeat(150));

        String thread = done(chat.openThread(channel, question, "pay: " + "é".repeat(150) + "\nsecond line"));

        String name = discord.awaitThread(t -> t.id().equals(thread), WAIT).name();
        assertEquals(100, name.codePointCount(0, name.length()));
        assertTrue(name.startsWith("pay: éé"));
    }

    @Test
    void postsTextWithAFile() throws Exception {
        byte[] answer = "# The full answer\n\nlong text".getBytes(StandardCharsets.UTF_8);

        String id = done(chat.post(channel, "first chunk", List.of(new OutgoingFile("answer.md", answer))));

        PostedMessage posted = discord.awaitMessage(m -> m.id().equals(id), WAIT);
        assertEquals("first chunk", posted.content());
        PostedFile file = posted.file("answer.md").orElseThrow();
        assertArrayEquals(answer, file.content());
        assertTrue(posted.byBot());
        assertPingsNobody(posted);
    }

    @Test
    void postsIntoAThreadItOpened() throws Exception {
        String question = questionFromAlice("pay thread post");
        String thread = done(chat.openThread(channel, question, "pay: thread post"));

        String id = done(chat.post(thread, "the answer", List.of()));

        assertEquals(List.of(id), discord.messagesIn(thread).stream().map(PostedMessage::id).toList());
    }

    @Test
    void mentionsInPostedTextDoNotPing() throws Exception {
        String text = "@everyone <@" + alice + "> <@&" + discord.guildId() + "> look";

        String id = done(chat.post(channel, text, List.of()));

        PostedMessage posted = discord.awaitMessage(m -> m.id().equals(id), WAIT);
        assertEquals(text, posted.content());
        assertPingsNobody(posted);
    }

    @Test
    void repliesToTheQuestionWithoutPingingItsAuthor() throws Exception {
        String question = questionFromAlice("nosuchhandle");

        String id = done(chat.reply(channel, question, "No live session for handle `nosuchhandle`"));

        PostedMessage reply = discord.awaitMessage(m -> m.id().equals(id), WAIT);
        assertEquals(Optional.of(question), reply.replyToId());
        assertPingsNobody(reply);
    }

    @Test
    void editsAPostedMessage() throws Exception {
        String id = done(chat.post(channel, "⏳ working…", List.of()));

        done(chat.edit(channel, id, "done"));

        PostedMessage edited = discord.awaitMessage(m -> m.id().equals(id) && m.edits() == 1, WAIT);
        assertEquals("done", edited.content());
        assertPingsNobody(edited);
        assertEquals("done", discord.messagesIn(channel).stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow().content());
    }

    @Test
    void reactsWithUnicodeEmoji() throws Exception {
        String question = questionFromAlice("pay react to me");

        done(chat.react(channel, question, "✅"));
        done(chat.react(channel, question, "⏳"));

        List<String> emoji = discord.reactions().stream().filter(r -> r.messageId().equals(question))
                .map(AddedReaction::emoji).toList();
        assertEquals(List.of("✅", "⏳"), emoji);
        assertEquals(discord.botUserId(), discord.reactions().getFirst().userId());
    }

    @Test
    void showsTheTypingIndicator() throws Exception {
        int before = discord.typingCount(channel);

        done(chat.typing(channel));

        discord.awaitTyping(channel, before + 1, WAIT);
    }

    @Test
    void answersADirectMessageInItsChannel() throws Exception {
        String dm = discord.openDm(alice);
        inbox.awaitMessage(discord.postAsUser(dm, alice, "pay hi"), WAIT);

        String id = done(chat.post(dm, "hello in private", List.of()));

        assertEquals(dm, discord.awaitMessage(m -> m.id().equals(id), WAIT).channelId());
    }

    @Test
    void answersADirectMessageAfterJdaEvictedItsChannel() throws Exception {
        String first = discord.openDm(alice);
        inbox.awaitMessage(discord.postAsUser(first, alice, "pay first"), WAIT);
        for (int i = 0; i < 11; i++) {
            String colleague = discord.createUser("colleague" + i, "Colleague " + i);
            String dm = discord.openDm(colleague);
            inbox.awaitMessage(discord.postAsUser(dm, colleague, "pay hi " + i), WAIT);
        }

        String id = done(chat.post(first, "your answer, alice", List.of()));

        assertEquals(first, discord.awaitMessage(m -> m.id().equals(id), WAIT).channelId());
        assertTrue(discord.restCalls().stream().anyMatch(c -> c.path().equals("users/@me/channels")),
                "reopened the DM by its recipient: " + discord.restCalls());
    }

    @Test
    void textOverTheLimitFailsTheStage() {
        CompletionStage<String> stage = chat.post(channel, "x".repeat(2001), List.of());

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, failure.getCause());
    }

    @Test
    void unknownChannelFailsTheStageNotTheCaller() {
        CompletionStage<String> stage = chat.post("123456789012345678", "hello", List.of());

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(NoSuchElementException.class, failure.getCause());
    }

    @Test
    void platformRefusalFailsTheStage() {
        CompletionStage<Void> stage = chat.react(channel, "123456789012345678", "✅");

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(failure.getCause().getMessage().contains("10008"), failure.getCause().getMessage());
    }

    /** A message from Alice in the channel, once the bot has seen it (so JDA knows it). */
    private String questionFromAlice(String text) throws InterruptedException {
        String id = discord.postAsUser(channel, alice, text);
        inbox.awaitMessage(id, WAIT);
        return id;
    }

    private static void assertPingsNobody(PostedMessage message) {
        AllowedMentions mentions = message.allowedMentions().orElseThrow(
                () -> new AssertionError("no allowed_mentions sent with " + message.summary()));
        assertTrue(mentions.pingsNobody(), "allowed_mentions " + mentions);
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
