package dev.agenttunnel.testkit.discord;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.testkit.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulated REST API, spoken to by the JDK's HTTP client. */
class DiscordEmulatorRestTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();
    private DiscordEmulator discord;
    private String channel;
    private String alice;

    @BeforeEach
    void start() {
        discord = DiscordEmulator.start();
        channel = discord.createTextChannel("general");
        alice = discord.createUser("alice", "Alice");
    }

    @AfterEach
    void stop() {
        discord.close();
        http.close();
    }

    @Test
    void answersOnlyTheBotToken() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(discord.restUrl() + "users/@me"))
                .header("Authorization", "Bot wrong").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());

        JsonNode me = Json.parse(send("GET", "users/@me", null).body());
        assertEquals(discord.botUserId(), me.path("id").asText());
        assertEquals(discord.botName(), me.path("username").asText());
    }

    @Test
    void recordsAJsonMessageWithAllowedMentionsAndReference() throws Exception {
        String question = discord.postAsUser(channel, alice, "pay hi");
        String body = """
                {"content":"hello <@%s>","allowed_mentions":{"parse":[],"replied_user":false},
                 "message_reference":{"message_id":"%s"}}""".formatted(alice, question);

        JsonNode answer = Json.parse(send("POST", "channels/" + channel + "/messages", body).body());

        PostedMessage stored = discord.awaitMessage(m -> m.id().equals(answer.path("id").asText()), WAIT);
        assertEquals("hello <@" + alice + ">", stored.content());
        assertTrue(stored.byBot());
        assertEquals(Optional.of(question), stored.replyToId());
        assertTrue(stored.allowedMentions().orElseThrow().pingsNobody());
        assertEquals(19, answer.path("type").asInt());
        assertEquals(question, answer.path("referenced_message").path("id").asText());
        assertEquals(alice, answer.path("mentions").get(0).path("id").asText());
    }

    @Test
    void recordsAMultipartMessageWithFiles() throws Exception {
        byte[] file = "# answer\nbody ✅".getBytes(StandardCharsets.UTF_8);
        String boundary = "b0undary";
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + "{\"content\":\"see file\",\"attachments\":[{\"id\":0,\"filename\":\"answer.md\"}]}\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"answer.md\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        multipart.writeBytes(file);
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = http.send(request("POST", "channels/" + channel + "/messages")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        PostedMessage stored = discord.messagesIn(channel).getLast();
        assertEquals("see file", stored.content());
        assertArrayEquals(file, stored.file("answer.md").orElseThrow().content());
        assertEquals(Optional.empty(), stored.allowedMentions());
        String url = Json.parse(response.body()).path("attachments").get(0).path("url").asText();
        assertArrayEquals(file, http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    @Test
    void editsOnlyTheBotsMessages() throws Exception {
        String posted = Json.parse(send("POST", "channels/" + channel + "/messages", "{\"content\":\"one\"}")
                .body()).path("id").asText();

        HttpResponse<String> edit = send("PATCH", "channels/" + channel + "/messages/" + posted,
                "{\"content\":\"two\",\"allowed_mentions\":{\"parse\":[]}}");

        assertEquals(200, edit.statusCode());
        assertEquals("two", discord.messagesIn(channel).getLast().content());
        assertEquals(List.of("one", "two"), discord.messageHistory().stream().map(PostedMessage::content).toList());
        String theirs = discord.postAsUser(channel, alice, "mine");
        assertEquals(403, send("PATCH", "channels/" + channel + "/messages/" + theirs, "{\"content\":\"x\"}")
                .statusCode());
    }

    @Test
    void opensOneThreadPerMessage() throws Exception {
        String question = discord.postAsUser(channel, alice, "pay question");
        String path = "channels/" + channel + "/messages/" + question + "/threads";

        JsonNode thread = Json.parse(send("POST", path, "{\"name\":\"pay: question\"}").body());

        assertEquals(question, thread.path("id").asText());
        assertEquals(channel, thread.path("parent_id").asText());
        assertEquals(List.of(new CreatedThread(question, "pay: question", channel, question,
                discord.botUserId())), discord.threads());
        HttpResponse<String> again = send("POST", path, "{\"name\":\"again\"}");
        assertEquals(400, again.statusCode());
        assertEquals(160004, Json.parse(again.body()).path("code").asInt());
    }

    @Test
    void recordsReactionsAndTyping() throws Exception {
        String question = discord.postAsUser(channel, alice, "pay question");
        String emoji = URLEncoder.encode("⏳", StandardCharsets.UTF_8);

        assertEquals(204, send("PUT", "channels/" + channel + "/messages/" + question + "/reactions/" + emoji
                + "/@me", null).statusCode());
        assertEquals(204, send("POST", "channels/" + channel + "/typing", null).statusCode());

        assertEquals(List.of(new AddedReaction(channel, question, "⏳", discord.botUserId())), discord.reactions());
        assertEquals(1, discord.typingCount(channel));
    }

    @Test
    void refusesLikeDiscord() throws Exception {
        HttpResponse<String> unknownChannel = send("POST", "channels/1/messages", "{\"content\":\"x\"}");
        assertEquals(404, unknownChannel.statusCode());
        assertEquals(10003, Json.parse(unknownChannel.body()).path("code").asInt());

        HttpResponse<String> empty = send("POST", "channels/" + channel + "/messages", "{\"content\":\"\"}");
        assertEquals(400, empty.statusCode());
        assertEquals(50006, Json.parse(empty.body()).path("code").asInt());

        HttpResponse<String> tooLong = send("POST", "channels/" + channel + "/messages",
                "{\"content\":\"" + "x".repeat(2001) + "\"}");
        assertEquals(400, tooLong.statusCode());

        assertEquals(404, send("GET", "nowhere", null).statusCode());
        List<Integer> statuses = discord.restCalls().stream().map(RestCall::status).toList();
        assertEquals(List.of(404, 400, 400, 404), statuses);
    }

    @Test
    void waitingForAMessageThatNeverComesFailsWithWhatWasRecorded() {
        discord.postAsUser(channel, alice, "something else");

        AssertionError missing = assertThrows(AssertionError.class,
                () -> discord.awaitMessage(m -> m.content().equals("never"), Duration.ofMillis(200)));

        assertTrue(missing.getMessage().contains("something else"), missing.getMessage());
    }

    @Test
    void scriptedPostsToUnknownPlacesThrow() {
        assertThrows(RuntimeException.class, () -> discord.postAsUser("1", alice, "x"));
        assertThrows(RuntimeException.class, () -> discord.postAsUser(channel, "1", "x"));
        assertThrows(IllegalArgumentException.class, () -> discord.createUser("bob", "Bob", "1"));
    }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = request(method, path).header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String path) {
        return HttpRequest.newBuilder(URI.create(discord.restUrl() + path))
                .header("Authorization", "Bot " + discord.token())
                .timeout(WAIT);
    }
}
