package dev.agenttunnel.testkit.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulated gateway, spoken to by a bare websocket client. */
class DiscordEmulatorGatewayTest {
    private static final int GUILDS = 1;
    private static final int GUILD_MESSAGES = 1 << 9;
    private static final int DIRECT_MESSAGES = 1 << 12;
    private static final int MESSAGE_CONTENT = 1 << 15;
    private static final int ALL_MESSAGES = GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT;

    private DiscordEmulator discord;
    private String channel;
    private String role;
    private String alice;

    @BeforeEach
    void start() {
        discord = DiscordEmulator.start("test guild", "tunnel-bot");
        channel = discord.createTextChannel("general");
        role = discord.createRole("developers");
        alice = discord.createUser("alice", "Alice", role);
    }

    @AfterEach
    void stop() {
        discord.close();
    }

    @Test
    void identifyIsAnsweredWithReadyThenTheWholeGuild() throws Exception {
        try (GatewayClient client = new GatewayClient(discord.gatewayUrl())) {
            JsonNode hello = client.await(f -> f.path("op").asInt() == 10);
            assertTrue(hello.path("d").path("heartbeat_interval").asInt() > 0);

            client.identify(discord.token(), ALL_MESSAGES);

            JsonNode ready = client.awaitDispatch("READY");
            assertEquals(discord.botUserId(), ready.path("user").path("id").asText());
            assertTrue(ready.path("user").path("bot").asBoolean());
            assertEquals(discord.gatewayUrl(), ready.path("resume_gateway_url").asText());
            assertEquals(discord.guildId(), ready.path("guilds").get(0).path("id").asText());
            JsonNode guild = client.awaitDispatch("GUILD_CREATE");
            assertTrue(Set.of(60, 300, 900, 1800, 3600).contains(guild.path("afk_timeout").asInt()));
            assertEquals(List.of(channel), ids(guild.path("channels")));
            assertEquals(guild.path("member_count").asInt(), guild.path("members").size());
            assertTrue(ids(guild.path("roles")).containsAll(List.of(discord.guildId(), role)));
            JsonNode botMember = member(guild, discord.botUserId());
            long botPermissions = botMember.path("roles").valueStream()
                    .map(r -> role(guild, r.asText()).path("permissions").asLong())
                    .reduce(0L, (a, b) -> a | b);
            long needed = (1L << 10) | (1L << 11) | (1L << 35) | (1L << 38) | (1L << 15) | (1L << 6) | (1L << 16);
            assertEquals(needed, botPermissions & needed, "view, send, threads, attach, react, history");
            assertEquals(List.of(role), member(guild, alice).path("roles").valueStream().map(JsonNode::asText)
                    .toList());
            List<String> order = client.frames().stream().filter(f -> f.path("op").asInt() == 0)
                    .map(f -> f.path("t").asText()).toList();
            assertEquals(List.of("READY", "GUILD_CREATE"), order.subList(0, 2));
        }
        discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.IDENTIFIED && e.intents() == ALL_MESSAGES,
                GatewayClient.WAIT);
    }

    @Test
    void wrongTokenClosesWithAuthenticationFailed() throws Exception {
        try (GatewayClient client = new GatewayClient(discord.gatewayUrl())) {
            client.identify("wrong", ALL_MESSAGES);
            assertEquals(4004, client.awaitClose());
        }
    }

    @Test
    void heartbeatsAreAcknowledged() throws Exception {
        try (GatewayClient client = new GatewayClient(discord.gatewayUrl())) {
            client.send("{\"op\":1,\"d\":null}");
            client.await(f -> f.path("op").asInt() == 11);
        }
    }

    @Test
    void colleagueMessageIsDispatchedWithMemberAndRoles() throws Exception {
        try (GatewayClient client = identified(ALL_MESSAGES)) {
            String id = discord.postAsUser(channel, alice, "pay hello");

            JsonNode message = client.awaitDispatch("MESSAGE_CREATE", d -> d.path("id").asText().equals(id));

            assertEquals(channel, message.path("channel_id").asText());
            assertEquals(discord.guildId(), message.path("guild_id").asText());
            assertEquals("pay hello", message.path("content").asText());
            assertEquals("Alice", message.path("author").path("global_name").asText());
            assertFalse(message.path("author").path("bot").asBoolean());
            assertEquals(role, message.path("member").path("roles").get(0).asText());
        }
    }

    @Test
    void withoutMessageContentIntentGuildTextIsBlankUnlessTheBotIsMentioned() throws Exception {
        try (GatewayClient client = identified(GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES)) {
            String plain = discord.postAsUser(channel, alice, "secret", List.of(Attachment.text("a.txt", "x")));
            String mention = discord.postAsUser(channel, alice, "<@" + discord.botUserId() + "> hi");
            String dm = discord.postAsUser(discord.openDm(alice), alice, "private");

            JsonNode blank = client.awaitDispatch("MESSAGE_CREATE", d -> d.path("id").asText().equals(plain));
            assertEquals("", blank.path("content").asText());
            assertEquals(0, blank.path("attachments").size());
            assertEquals("<@" + discord.botUserId() + "> hi", client.awaitDispatch("MESSAGE_CREATE",
                    d -> d.path("id").asText().equals(mention)).path("content").asText());
            JsonNode direct = client.awaitDispatch("MESSAGE_CREATE", d -> d.path("id").asText().equals(dm));
            assertEquals("private", direct.path("content").asText());
            assertTrue(direct.path("guild_id").isMissingNode());
        }
    }

    @Test
    void resumeReplaysWhatTheSessionMissed() throws Exception {
        String sessionId;
        long seq;
        try (GatewayClient client = identified(ALL_MESSAGES)) {
            sessionId = client.awaitDispatch("READY").path("session_id").asText();
            seq = client.await(f -> "GUILD_CREATE".equals(f.path("t").asText())).path("s").asLong();
            discord.dropGatewayConnections();
            assertEquals(4000, client.awaitClose());
        }
        String missed = discord.postAsUser(channel, alice, "while you were away");

        try (GatewayClient client = new GatewayClient(discord.gatewayUrl())) {
            client.send("{\"op\":6,\"d\":{\"token\":\"" + discord.token() + "\",\"session_id\":\"" + sessionId
                    + "\",\"seq\":" + seq + "}}");
            client.awaitDispatch("MESSAGE_CREATE", d -> d.path("id").asText().equals(missed));
            client.awaitDispatch("RESUMED");
        }
        discord.awaitGatewayEvent(e -> e.kind() == GatewayEvent.Kind.RESUMED, GatewayClient.WAIT);
    }

    @Test
    void unknownSessionCannotResume() throws Exception {
        try (GatewayClient client = new GatewayClient(discord.gatewayUrl())) {
            client.send("{\"op\":6,\"d\":{\"token\":\"" + discord.token() + "\",\"session_id\":\"nope\",\"seq\":1}}");
            JsonNode invalid = client.await(f -> f.path("op").asInt() == 9);
            assertFalse(invalid.path("d").asBoolean());
        }
    }

    @Test
    void threadsStartedByColleaguesAreDispatchedAndListedOnIdentify() throws Exception {
        String question = discord.postAsUser(channel, alice, "pay a question");
        String thread = discord.startThread(channel, question, alice, "pay: a question");
        assertEquals(question, thread);

        try (GatewayClient client = identified(ALL_MESSAGES)) {
            JsonNode listed = client.awaitDispatch("GUILD_CREATE").path("threads").get(0);
            assertEquals(thread, listed.path("id").asText());
            assertEquals(channel, listed.path("parent_id").asText());
            assertEquals(11, listed.path("type").asInt());

            String inThread = discord.postAsUser(thread, alice, "follow-up");
            assertEquals(thread, client.awaitDispatch("MESSAGE_CREATE",
                    d -> d.path("id").asText().equals(inThread)).path("channel_id").asText());
        }
    }

    private GatewayClient identified(int intents) throws Exception {
        GatewayClient client = new GatewayClient(discord.gatewayUrl());
        client.identify(discord.token(), intents);
        try {
            client.awaitDispatch("READY");
        } catch (AssertionError e) {
            // Seen once in CI-like runs: HELLO came, READY did not. Say whether the emulator saw the IDENTIFY at all.
            throw new AssertionError(e.getMessage() + "; the emulator's gateway events: " + discord.gatewayEvents(), e);
        }
        return client;
    }

    private static List<String> ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path("id").asText()).toList();
    }

    private static JsonNode member(JsonNode guild, String userId) {
        return guild.path("members").valueStream()
                .filter(m -> m.path("user").path("id").asText().equals(userId)).findFirst().orElseThrow();
    }

    private static JsonNode role(JsonNode guild, String roleId) {
        return guild.path("roles").valueStream()
                .filter(r -> r.path("id").asText().equals(roleId)).findFirst().orElseThrow();
    }
}
