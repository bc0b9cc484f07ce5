package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.testkit.Json;
import dev.agenttunnel.testkit.discord.Model.Channel;
import dev.agenttunnel.testkit.discord.Model.ChannelType;
import dev.agenttunnel.testkit.discord.Model.Member;
import dev.agenttunnel.testkit.discord.Model.Role;
import dev.agenttunnel.testkit.discord.Model.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The emulated Discord: one guild with its roles, members, text channels and threads, DM channels, every message
 * version, and logs of threads, reactions, typing, REST calls and gateway events, all in arrival order.
 *
 * <p>One lock guards everything, and every change is dispatched to the gateway while that lock is held, so events
 * leave in the order the changes happened and a session that identifies sees either the state before a change
 * (and then its event) or after it (and no event), never both or neither. Waiters block on a condition signalled by
 * every change, each bounded by its own deadline.
 */
final class EmulatorState {
    static final int MESSAGE_LIMIT = 2000;
    static final int THREAD_NAME_LIMIT = 100;
    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d+)>");

    private final ReentrantLock lock = new ReentrantLock();
    private final List<java.util.function.Consumer<PostedMessage>> messageListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Condition changed = lock.newCondition();
    private final Snowflakes ids;
    private final String fileBaseUrl;
    private final Instant createdAt = Instant.now();

    private final String guildId;
    private final String guildName;
    private final String botId;
    private final String ownerId;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, PostedMessage> messages = new LinkedHashMap<>();
    private final List<PostedMessage> history = new ArrayList<>();
    private final List<CreatedThread> threads = new ArrayList<>();
    private final List<AddedReaction> reactions = new ArrayList<>();
    private final List<String> typing = new ArrayList<>();
    private final List<RestCall> restCalls = new ArrayList<>();
    private final List<GatewayEvent> gatewayEvents = new ArrayList<>();
    private Consumer<Dispatch> dispatcher = d -> { };

    /**
     * A guild called {@code guildName} with {@code @everyone}, the bot {@code botName} holding its own managed role,
     * and a human owner. {@code fileBaseUrl} (ending in {@code /}) is where attachment bytes are served.
     */
    EmulatorState(Snowflakes ids, String fileBaseUrl, String guildName, String botName) {
        this.ids = ids;
        this.fileBaseUrl = fileBaseUrl;
        this.guildId = ids.next();
        this.guildName = guildName;
        this.botId = ids.next();
        this.ownerId = ids.next();
        roles.put(guildId, new Role(guildId, "@everyone", Permissions.EVERYONE, 0, false, ""));
        String botRole = ids.next();
        roles.put(botRole, new Role(botRole, botName, Permissions.BOT, 1, true, botId));
        users.put(botId, new User(botId, botName, "", true));
        members.put(botId, new Member(botId, List.of(botRole), "", createdAt));
        users.put(ownerId, new User(ownerId, "guild-owner", "Guild Owner", false));
        members.put(ownerId, new Member(ownerId, List.of(), "", createdAt));
    }

    /** Sends every later change to {@code dispatcher}, which is called with the lock held. */
    void dispatchTo(Consumer<Dispatch> dispatcher) {
        locked(() -> {
            this.dispatcher = dispatcher;
        });
    }

    String guildId() {
        return guildId;
    }

    String botId() {
        return botId;
    }

    String ownerId() {
        return ownerId;
    }

    String botName() {
        return locked(() -> users.get(botId).username());
    }

    /** Runs {@code action} holding the lock. */
    void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} holding the lock (the gateway uses it to snapshot and register atomically). */
    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    // ---- scripting ---------------------------------------------------------------------------------------------

    String createRole(String name) {
        return locked(() -> {
            String id = ids.next();
            Role role = new Role(id, name, 0, roles.size(), false, "");
            roles.put(id, role);
            ObjectNode data = Payloads.role(role);
            dispatch(Dispatch.of("GUILD_ROLE_CREATE",
                    Json.object().put("guild_id", guildId).set("role", data), Intents.GUILDS));
            return id;
        });
    }

    String createTextChannel(String name) {
        return locked(() -> {
            String id = ids.next();
            long textChannels = channels.values().stream().filter(c -> c.type() == ChannelType.TEXT).count();
            Channel channel = Channel.text(id, name, (int) textChannels, Instant.now());
            channels.put(id, channel);
            dispatch(Dispatch.of("CHANNEL_CREATE", Payloads.textChannel(channel, guildId), Intents.GUILDS));
            return id;
        });
    }

    String createUser(String username, String displayName, List<String> roleIds) {
        return locked(() -> {
            for (String roleId : roleIds) {
                if (!roles.containsKey(roleId) || roleId.equals(guildId)) {
                    throw new IllegalArgumentException("unknown role " + roleId);
                }
            }
            String id = ids.next();
            User user = new User(id, username, displayName, false);
            Member member = new Member(id, roleIds, "", Instant.now());
            users.put(id, user);
            members.put(id, member);
            dispatch(Dispatch.of("GUILD_MEMBER_ADD", Payloads.member(member, user).put("guild_id", guildId),
                    Intents.GUILD_MEMBERS));
            return id;
        });
    }

    void setNickname(String userId, String nick) {
        locked(() -> {
            Member member = members.get(userId);
            if (member == null) {
                throw ApiError.unknownUser(userId);
            }
            members.put(userId, new Member(userId, member.roleIds(), nick, member.joinedAt()));
        });
    }

    String openDm(String userId) {
        return locked(() -> {
            if (!users.containsKey(userId) || userId.equals(botId)) {
                throw ApiError.unknownUser(userId);
            }
            return channels.values().stream()
                    .filter(c -> c.type() == ChannelType.DM && c.recipientId().equals(userId))
                    .findFirst()
                    .map(Channel::id)
                    .orElseGet(() -> {
                        String id = ids.next();
                        channels.put(id, Channel.dm(id, userId, Instant.now()));
                        return id;
                    });
        });
    }

    // ---- changes (REST and test code) --------------------------------------------------------------------------

    /** Stores a message and dispatches MESSAGE_CREATE; refuses what Discord refuses. */
    PostedMessage post(MessageDraft draft) {
        PostedMessage posted = locked(() -> {
            Channel channel = channel(draft.channelId());
            User author = users.get(draft.authorId());
            if (author == null) {
                throw ApiError.unknownUser(draft.authorId());
            }
            if (channel.type() == ChannelType.DM
                    && !draft.authorId().equals(botId) && !draft.authorId().equals(channel.recipientId())) {
                throw new ApiError(403, 50001, "Missing Access");
            }
            if (draft.content().isBlank() && draft.files().isEmpty()) {
                throw new ApiError(400, 50006, "Cannot send an empty message");
            }
            if (draft.content().codePointCount(0, draft.content().length()) > MESSAGE_LIMIT) {
                throw ApiError.invalidForm("content: Must be " + MESSAGE_LIMIT + " or fewer in length.");
            }
            draft.replyToId().ifPresent(replyTo -> {
                PostedMessage original = messages.get(replyTo);
                if (original == null || !original.channelId().equals(channel.id())) {
                    throw ApiError.invalidForm("message_reference: Unknown message");
                }
            });
            String id = ids.next();
            List<PostedFile> files = draft.files().stream()
                    .map(f -> storedFile(channel.id(), f))
                    .toList();
            PostedMessage message = new PostedMessage(id, channel.id(), author.id(), author.bot(), draft.content(),
                    files, draft.allowedMentions(), draft.replyToId(), Instant.now(), 0);
            messages.put(id, message);
            history.add(message);
            channels.put(channel.id(), channel.withMessage(id));
            dispatchMessage("MESSAGE_CREATE", message, channel);
            return message;
        });
        messageListeners.forEach(listener -> listener.accept(posted));
        return posted;
    }

    /** Calls {@code listener} with every new message, after it is stored, outside the emulator's lock. */
    void onMessage(java.util.function.Consumer<PostedMessage> listener) {
        messageListeners.add(listener);
    }

    /** Replaces a bot message's text (when {@code content} is present) and dispatches MESSAGE_UPDATE. */
    PostedMessage edit(String channelId, String messageId, Optional<String> content,
            Optional<AllowedMentions> allowedMentions) {
        return locked(() -> {
            Channel channel = channel(channelId);
            PostedMessage message = messageIn(channel.id(), messageId);
            if (!message.byBot()) {
                throw new ApiError(403, 50005, "Cannot edit a message authored by another user");
            }
            String text = content.orElse(message.content());
            if (text.isBlank() && message.files().isEmpty()) {
                throw new ApiError(400, 50006, "Cannot send an empty message");
            }
            if (text.codePointCount(0, text.length()) > MESSAGE_LIMIT) {
                throw ApiError.invalidForm("content: Must be " + MESSAGE_LIMIT + " or fewer in length.");
            }
            PostedMessage edited = message.edited(text, allowedMentions);
            messages.put(messageId, edited);
            history.add(edited);
            dispatchMessage("MESSAGE_UPDATE", edited, channel);
            return edited;
        });
    }

    /** Opens a public thread from a message (the thread's id is the message's) and dispatches THREAD_CREATE. */
    CreatedThread startThread(String channelId, String messageId, String ownerId, String name) {
        return locked(() -> {
            Channel parent = channel(channelId);
            if (parent.type() != ChannelType.TEXT) {
                throw new ApiError(400, 50024, "Cannot execute action on this channel type");
            }
            messageIn(parent.id(), messageId);
            String trimmed = name == null ? "" : name.strip();
            if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > THREAD_NAME_LIMIT) {
                throw ApiError.invalidForm("name: Must be between 1 and " + THREAD_NAME_LIMIT + " in length.");
            }
            if (channels.containsKey(messageId)) {
                throw new ApiError(400, 160004, "A thread has already been created for this message");
            }
            Channel thread = Channel.thread(messageId, trimmed, parent.id(), ownerId, Instant.now());
            channels.put(thread.id(), thread);
            CreatedThread created = new CreatedThread(thread.id(), trimmed, parent.id(), messageId, ownerId);
            threads.add(created);
            dispatch(Dispatch.of("THREAD_CREATE", Payloads.thread(thread, guildId).put("newly_created", true),
                    Intents.GUILDS));
            return created;
        });
    }

    AddedReaction react(String channelId, String messageId, String emoji, String userId) {
        return locked(() -> {
            messageIn(channel(channelId).id(), messageId);
            if (emoji.isBlank()) {
                throw new ApiError(400, 10014, "Unknown Emoji");
            }
            AddedReaction reaction = new AddedReaction(channelId, messageId, emoji, userId);
            reactions.add(reaction);
            changed.signalAll();
            return reaction;
        });
    }

    void typing(String channelId) {
        locked(() -> {
            channel(channelId);
            typing.add(channelId);
            changed.signalAll();
        });
    }

    void recordRestCall(RestCall call) {
        locked(() -> {
            restCalls.add(call);
            changed.signalAll();
        });
    }

    void recordGatewayEvent(GatewayEvent event) {
        locked(() -> {
            gatewayEvents.add(event);
            changed.signalAll();
        });
    }

    // ---- payloads ----------------------------------------------------------------------------------------------

    ObjectNode selfUserJson() {
        return locked(() -> Payloads.selfUser(users.get(botId)));
    }

    ObjectNode guildCreateJson() {
        return locked(() -> Payloads.guild(guildId, guildName, ownerId, createdAt, roles.values(), channels.values(),
                memberJsons()));
    }

    List<ObjectNode> memberJsons() {
        return locked(() -> members.values().stream()
                .map(m -> Payloads.member(m, users.get(m.userId())))
                .toList());
    }

    ObjectNode channelJson(String channelId) {
        return locked(() -> {
            Channel channel = channel(channelId);
            return Payloads.channel(channel, guildId, users.get(channel.recipientId()));
        });
    }

    ObjectNode messageJson(PostedMessage message) {
        return locked(() -> render(message, channel(message.channelId()), true));
    }

    ObjectNode messageJson(String channelId, String messageId) {
        return locked(() -> messageJson(messageIn(channel(channelId).id(), messageId)));
    }

    Optional<PostedFile> file(String fileId) {
        return locked(() -> messages.values().stream()
                .flatMap(m -> m.files().stream())
                .filter(f -> f.id().equals(fileId))
                .findFirst());
    }

    // ---- observations ------------------------------------------------------------------------------------------

    List<PostedMessage> messagesIn(String channelId) {
        return locked(() -> messages.values().stream().filter(m -> m.channelId().equals(channelId)).toList());
    }

    List<PostedMessage> messages() {
        return locked(() -> List.copyOf(messages.values()));
    }

    List<PostedMessage> history() {
        return locked(() -> List.copyOf(history));
    }

    List<CreatedThread> threads() {
        return locked(() -> List.copyOf(threads));
    }

    List<AddedReaction> reactions() {
        return locked(() -> List.copyOf(reactions));
    }

    int typingCount(String channelId) {
        return locked(() -> (int) typing.stream().filter(channelId::equals).count());
    }

    List<RestCall> restCalls() {
        return locked(() -> List.copyOf(restCalls));
    }

    List<GatewayEvent> gatewayEvents() {
        return locked(() -> List.copyOf(gatewayEvents));
    }

    /**
     * The first value {@code probe} finds, re-probing after every change until {@code timeout} passes; then an
     * {@link AssertionError} naming {@code what} and the current state.
     */
    <T> T await(Supplier<Optional<T>> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Optional<T> found = probe.get();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + timeout + "\n" + describe());
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Everything recorded, for assertion messages. */
    String describe() {
        return locked(() -> "messages (every version):\n" + lines(history.stream().map(PostedMessage::summary).toList())
                + "threads:\n" + lines(threads.stream().map(Object::toString).toList())
                + "reactions:\n" + lines(reactions.stream().map(Object::toString).toList())
                + "typing in: " + typing + "\n"
                + "gateway:\n" + lines(gatewayEvents.stream().map(Object::toString).toList())
                + "REST calls:\n" + lines(restCalls.stream().map(RestCall::summary).toList()));
    }

    // ---- internals ---------------------------------------------------------------------------------------------

    private void dispatchMessage(String type, PostedMessage message, Channel channel) {
        ObjectNode data = render(message, channel, true);
        int intent = channel.inGuild() ? Intents.GUILD_MESSAGES : Intents.DIRECT_MESSAGES;
        boolean contentAlwaysVisible = !channel.inGuild() || message.byBot() || mentions(message).stream()
                .anyMatch(u -> u.id().equals(botId));
        dispatch(new Dispatch(type, data, intent, contentAlwaysVisible ? null : Payloads.withoutContent(data)));
    }

    private void dispatch(Dispatch dispatch) {
        dispatcher.accept(dispatch);
        changed.signalAll();
    }

    private ObjectNode render(PostedMessage message, Channel channel, boolean withReference) {
        String guild = channel.inGuild() ? guildId : "";
        Member member = channel.inGuild() ? members.get(message.authorId()) : null;
        ObjectNode referenced = withReference
                ? message.replyToId().map(messages::get).map(m -> render(m, channel, false)).orElse(null)
                : null;
        return Payloads.message(message, guild, users.get(message.authorId()), member, mentions(message), referenced);
    }

    private List<User> mentions(PostedMessage message) {
        List<User> found = new ArrayList<>();
        Matcher matcher = USER_MENTION.matcher(message.content());
        while (matcher.find()) {
            User user = users.get(matcher.group(1));
            if (user != null && !found.contains(user)) {
                found.add(user);
            }
        }
        return found;
    }

    private PostedFile storedFile(String channelId, Attachment attachment) {
        String id = ids.next();
        String url = fileBaseUrl + channelId + "/" + id + "/"
                + URLEncoder.encode(attachment.fileName(), StandardCharsets.UTF_8)
                        .replace("+", "%20");
        return new PostedFile(id, attachment.fileName(), attachment.content(), url);
    }

    private Channel channel(String channelId) {
        Channel channel = channels.get(channelId);
        if (channel == null) {
            throw ApiError.unknownChannel(channelId);
        }
        return channel;
    }

    private PostedMessage messageIn(String channelId, String messageId) {
        PostedMessage message = messages.get(messageId);
        if (message == null || !message.channelId().equals(channelId)) {
            throw ApiError.unknownMessage(messageId);
        }
        return message;
    }

    private static String lines(List<String> items) {
        return items.isEmpty() ? "  (none)\n" : items.stream().map(s -> "  " + s + "\n").collect(Collectors.joining());
    }
}
