package dev.agenttunnel.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.chat.ChatAttachment;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.chat.ChatEvent.ChannelKind;
import dev.agenttunnel.core.chat.ChatUser;
import dev.agenttunnel.testkit.discord.Attachment;
import dev.agenttunnel.testkit.discord.DiscordEmulator;
import dev.agenttunnel.testkit.discord.GatewayEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The real JDA against the Discord emulator: logging in, and messages arriving as ChatEvents. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscordConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ChatEventInbox inbox = new ChatEventInbox();
    private DiscordEmulator discord;
    private DiscordConnection connection;
    private String channel;
    private String developers;
    private String alice;
    private String bob;

    @BeforeAll
    void connect() {
        discord = DiscordEmulator.start();
        channel = discord.createTextChannel("ask-the-expert");
        developers = discord.createRole("developers");
        alice = discord.createUser("alice", "Alice Liddell", developers);
        bob = discord.createUser("bob", "");
        connection = DiscordConnection.start(discord.token(), discord.restUrl(), discord.gatewayUrl(), inbox,
                WAIT);
    }

    @AfterAll
    void disconnect() {
        if (connection != null) {
            connection.close();
        }
        discord.close();
    }

    @Test
    void reportsTheBotIdentityOnceReady() {
        assertEquals(discord.botUserId(), connection.botUserId());
        assertEquals(discord.botName(), connection.botName());
        GatewayEvent identified = discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED, WAIT);
        int messageContent = 1 << 15;
        assertTrue((identified.intents() & messageContent) != 0, "identifies with the MESSAGE_CONTENT intent");
    }

    @Test
    void subscribesOnlyToGuildsAndMessages() {
        GatewayEvent identified = discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED, WAIT);
        int guilds = 1;
        int guildMessages = 1 << 9;
        int directMessages = 1 << 12;
        int messageContent = 1 << 15;
        assertEquals(guilds | guildMessages | directMessages | messageContent, identified.intents(),
                "no reactions, typing, voice states, invites, moderation, polls or scheduled events: "
                        + Integer.toBinaryString(identified.intents()));
    }

    @Test
    void channelMessageArrivesWithAuthorRolesAndContent() throws Exception {
        String id = discord.postAsUser(channel, alice, "pay how does the ledger work?");

        ChatEvent event = inbox.awaitMessage(id, WAIT);

        assertEquals(new ChatEvent(id, channel, ChannelKind.TEXT_CHANNEL, "",
                new ChatUser(alice, "Alice Liddell", List.of(developers), false),
                "pay how does the ledger work?", List.of()), event);
    }

    @Test
    void displayNameFallsBackToUsernameAndPrefersNickname() throws Exception {
        String plain = discord.postAsUser(channel, bob, "hello");
        assertEquals("bob", inbox.awaitMessage(plain, WAIT).author().displayName());

        String carol = discord.createUser("carol", "Carol C");
        discord.setNickname(carol, "Carol (ops)");
        String nicknamed = discord.postAsUser(channel, carol, "hi");
        assertEquals("Carol (ops)", inbox.awaitMessage(nicknamed, WAIT).author().displayName());
    }

    @Test
    void threadMessageArrivesAsThreadWithItsParent() throws Exception {
        String question = discord.postAsUser(channel, alice, "pay first question");
        String thread = discord.startThread(channel, question, alice, "pay: first question");
        String followUp = discord.postAsUser(thread, alice, "and a follow-up");

        ChatEvent event = inbox.awaitMessage(followUp, WAIT);

        assertEquals(thread, event.channelId());
        assertEquals(ChannelKind.THREAD, event.kind());
        assertEquals(channel, event.parentId());
        assertEquals(List.of(developers), event.author().roleIds());
        assertEquals("and a follow-up", event.content());
    }

    @Test
    void directMessageArrivesWithoutRoles() throws Exception {
        String dm = discord.openDm(alice);
        String id = discord.postAsUser(dm, alice, "pay can I ask here?");

        ChatEvent event = inbox.awaitMessage(id, WAIT);

        assertEquals(new ChatEvent(id, dm, ChannelKind.DIRECT_MESSAGE, "",
                new ChatUser(alice, "Alice Liddell", List.of(), false), "pay can I ask here?", List.of()), event);
    }

    @Test
    void attachmentsArriveAsMetadataWithADownloadableUrl() throws Exception {
        String id = discord.postAsUser(channel, alice, "see attached",
                List.of(Attachment.text("notes.txt", "hello"), new Attachment("trace.bin", new byte[] {1, 2, 3})));

        ChatEvent event = inbox.awaitMessage(id, WAIT);

        assertEquals(List.of("notes.txt", "trace.bin"), event.attachments().stream().map(ChatAttachment::fileName)
                .toList());
        assertEquals(List.of(5L, 3L), event.attachments().stream().map(ChatAttachment::sizeBytes).toList());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> download = http.send(
                    HttpRequest.newBuilder(URI.create(event.attachments().getFirst().url())).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, download.statusCode());
            assertEquals("hello", download.body());
        }
    }

    @Test
    void theBotsOwnPostsArriveMarkedAsBot() throws Exception {
        String id = connection.chatPort().post(channel, "bot speaking", List.of()).toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ChatUser author = inbox.awaitMessage(id, WAIT).author();

        assertTrue(author.bot());
        assertEquals(discord.botUserId(), author.id());
        assertFalse(author.displayName().isEmpty());
    }

    @Test
    void messagePostedWhileTheGatewayIsDownArrivesAfterResuming() throws Exception {
        discord.dropGatewayConnections();
        discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.DISCONNECTED, WAIT);
        String id = discord.postAsUser(channel, alice, "pay are you there?");

        assertEquals("pay are you there?", inbox.awaitMessage(id, WAIT).content());
        discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.RESUMED, WAIT);
        discord.awaitConnected(WAIT);
    }

    @Test
    void unreachableDiscordFailsStartWithinTheDeadline() {
        DiscordStartException noRest = assertThrows(DiscordStartException.class, () -> DiscordConnection.start(
                discord.token(), "http://127.0.0.1:9/api/v10/", discord.gatewayUrl(), inbox, WAIT));
        assertEquals(DiscordStartException.Reason.UNREACHABLE, noRest.reason(), noRest.getMessage());
        assertTrue(noRest.getMessage().contains("Failed to connect to /127.0.0.1:9"), noRest.getMessage());

        long started = System.nanoTime();
        DiscordStartException noGateway = assertThrows(DiscordStartException.class, () -> DiscordConnection.start(
                discord.token(), discord.restUrl(), "ws://127.0.0.1:9/", inbox, Duration.ofSeconds(2)));
        assertEquals(DiscordStartException.Reason.NOT_READY, noGateway.reason(), noGateway.getMessage());
        assertTrue(noGateway.getMessage().contains("did not get ready within 2 s"), noGateway.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(WAIT) < 0);
    }

    @Test
    void refusedTokenFailsStartWithAOneLineReason() {
        DiscordStartException refused = assertThrows(DiscordStartException.class, () -> DiscordConnection.start(
                "not-the-token", discord.restUrl(), discord.gatewayUrl(), inbox, WAIT));
        assertEquals(DiscordStartException.Reason.TOKEN_REJECTED, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("rejected the bot token"), refused.getMessage());
    }

    @Test
    void aMessageContentIntentThatIsOffFailsStartSayingSo() {
        discord.setMessageContentIntentEnabled(false);
        try {
            DiscordStartException refused = assertThrows(DiscordStartException.class, () -> DiscordConnection.start(
                    discord.token(), discord.restUrl(), discord.gatewayUrl(), inbox, WAIT));
            assertEquals(DiscordStartException.Reason.INTENT_DISALLOWED, refused.reason(), refused.getMessage());
            assertTrue(refused.getMessage().contains("close code 4014"), refused.getMessage());
        } finally {
            discord.setMessageContentIntentEnabled(true);
        }
    }
}
