package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.testkit.Json;
import dev.agenttunnel.testkit.discord.Model.Channel;
import dev.agenttunnel.testkit.discord.Model.ChannelType;
import dev.agenttunnel.testkit.discord.Model.Member;
import dev.agenttunnel.testkit.discord.Model.Role;
import dev.agenttunnel.testkit.discord.Model.User;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Discord API v10 JSON for the emulator's entities, shaped so that JDA 6.5 builds its entities without falling back
 * or stalling: every key JDA reads without a default is present (e.g. a role's {@code colors.primary_color}, a
 * thread's {@code thread_metadata}, a message's {@code mentions} and {@code mention_roles}, the guild's
 * {@code voice_states} and {@code guild_scheduled_events}), and {@code afk_timeout} is one of Discord's values.
 */
final class Payloads {
    private static final int AFK_TIMEOUT_SECONDS = 300;
    private static final int THREAD_AUTO_ARCHIVE_MINUTES = 1440;

    private Payloads() {
    }

    static ObjectNode user(User user) {
        ObjectNode json = Json.object()
                .put("id", user.id())
                .put("username", user.username())
                .put("discriminator", "0")
                .put("bot", user.bot())
                .put("system", false)
                .put("public_flags", 0)
                .put("flags", 0);
        if (user.displayName().isEmpty()) {
            json.putNull("global_name");
        } else {
            json.put("global_name", user.displayName());
        }
        json.putNull("avatar");
        return json;
    }

    /** The bot as {@code GET users/@me} and READY describe it. */
    static ObjectNode selfUser(User bot) {
        return user(bot).put("verified", true).put("mfa_enabled", false).put("locale", "en-US");
    }

    /** A guild member; {@code user} is included when given (GUILD_CREATE, member chunks), left out in messages. */
    static ObjectNode member(Member member, User user) {
        ObjectNode json = Json.object();
        if (user != null) {
            json.set("user", user(user));
        }
        if (member.nick().isEmpty()) {
            json.putNull("nick");
        } else {
            json.put("nick", member.nick());
        }
        json.putNull("avatar");
        ArrayNode roles = json.putArray("roles");
        member.roleIds().forEach(roles::add);
        json.put("joined_at", timestamp(member.joinedAt()))
                .put("deaf", false)
                .put("mute", false)
                .put("flags", 0)
                .put("pending", false);
        json.putNull("premium_since");
        json.putNull("communication_disabled_until");
        return json;
    }

    static ObjectNode role(Role role) {
        ObjectNode json = Json.object()
                .put("id", role.id())
                .put("name", role.name())
                .put("color", 0)
                .put("hoist", false)
                .put("position", role.position())
                .put("permissions", Long.toString(role.permissions()))
                .put("managed", role.managed())
                .put("mentionable", false)
                .put("flags", 0);
        json.putObject("colors").put("primary_color", 0);
        json.putNull("icon");
        json.putNull("unicode_emoji");
        if (!role.botId().isEmpty()) {
            json.putObject("tags").put("bot_id", role.botId());
        }
        return json;
    }

    /** A text channel, thread or DM channel; {@code recipient} is used for DMs only. */
    static ObjectNode channel(Channel channel, String guildId, User recipient) {
        return switch (channel.type()) {
            case TEXT -> textChannel(channel, guildId);
            case PUBLIC_THREAD -> thread(channel, guildId);
            case DM -> dmChannel(channel, recipient);
        };
    }

    static ObjectNode textChannel(Channel channel, String guildId) {
        ObjectNode json = Json.object()
                .put("id", channel.id())
                .put("type", ChannelType.TEXT.id)
                .put("guild_id", guildId)
                .put("name", channel.name())
                .put("position", channel.position())
                .put("nsfw", false)
                .put("rate_limit_per_user", 0)
                .put("default_thread_rate_limit_per_user", 0)
                .put("flags", 0);
        json.putArray("permission_overwrites");
        json.putNull("parent_id");
        json.putNull("topic");
        lastMessage(json, channel);
        return json;
    }

    static ObjectNode thread(Channel thread, String guildId) {
        ObjectNode json = Json.object()
                .put("id", thread.id())
                .put("type", ChannelType.PUBLIC_THREAD.id)
                .put("guild_id", guildId)
                .put("parent_id", thread.parentId())
                .put("owner_id", thread.ownerId())
                .put("name", thread.name())
                .put("rate_limit_per_user", 0)
                .put("flags", 0)
                .put("member_count", 1)
                .put("message_count", thread.messageCount())
                .put("total_message_count", thread.messageCount());
        lastMessage(json, thread);
        json.putObject("thread_metadata")
                .put("archived", false)
                .put("locked", false)
                .put("invitable", true)
                .put("auto_archive_duration", THREAD_AUTO_ARCHIVE_MINUTES)
                .put("archive_timestamp", timestamp(thread.createdAt()))
                .put("create_timestamp", timestamp(thread.createdAt()));
        return json;
    }

    static ObjectNode dmChannel(Channel dm, User recipient) {
        ObjectNode json = Json.object().put("id", dm.id()).put("type", ChannelType.DM.id).put("flags", 0);
        json.putArray("recipients").add(user(recipient));
        lastMessage(json, dm);
        return json;
    }

    static ObjectNode attachment(PostedFile file) {
        return Json.object()
                .put("id", file.id())
                .put("filename", file.name())
                .put("size", file.size())
                .put("url", file.url())
                .put("proxy_url", file.url())
                .put("content_type", contentType(file.name()));
    }

    /**
     * A message as Discord sends it (REST answers and MESSAGE_CREATE): {@code guild_id} and {@code member} (without
     * its user) only in a guild, {@code mentions} resolved from {@code <@id>} in the text, a reply's
     * {@code message_reference} and {@code referenced_message}.
     */
    static ObjectNode message(
            PostedMessage message,
            String guildId,
            User author,
            Member member,
            List<User> mentions,
            ObjectNode referenced) {
        ObjectNode json = Json.object()
                .put("id", message.id())
                .put("type", message.replyToId().isPresent() ? 19 : 0)
                .put("channel_id", message.channelId())
                .put("content", message.content())
                .put("timestamp", timestamp(message.postedAt()))
                .put("tts", false)
                .put("mention_everyone", false)
                .put("pinned", false)
                .put("flags", 0);
        if (message.edits() > 0) {
            json.put("edited_timestamp", timestamp(Instant.now()));
        } else {
            json.putNull("edited_timestamp");
        }
        json.set("author", user(author));
        if (!guildId.isEmpty()) {
            json.put("guild_id", guildId);
            if (member != null) {
                json.set("member", member(member, null));
            }
        }
        ArrayNode mentionArray = json.putArray("mentions");
        mentions.forEach(u -> mentionArray.add(user(u)));
        json.putArray("mention_roles");
        ArrayNode attachments = json.putArray("attachments");
        message.files().forEach(f -> attachments.add(attachment(f)));
        json.putArray("embeds");
        json.putArray("components");
        message.replyToId().ifPresent(replyTo -> {
            ObjectNode reference = json.putObject("message_reference")
                    .put("type", 0)
                    .put("message_id", replyTo)
                    .put("channel_id", message.channelId());
            if (!guildId.isEmpty()) {
                reference.put("guild_id", guildId);
            }
            if (referenced != null) {
                json.set("referenced_message", referenced);
            }
        });
        return json;
    }

    /** The message without what the MESSAGE_CONTENT intent guards: text, attachments, embeds, components. */
    static ObjectNode withoutContent(ObjectNode message) {
        ObjectNode json = message.deepCopy();
        json.put("content", "");
        json.putArray("attachments");
        json.putArray("embeds");
        json.putArray("components");
        return json;
    }

    /** The full GUILD_CREATE payload: roles, channels, active threads and every member (so no chunking is needed). */
    static ObjectNode guild(
            String guildId,
            String name,
            String ownerId,
            Instant joinedAt,
            Collection<Role> roles,
            Collection<Channel> channels,
            Collection<ObjectNode> members) {
        ObjectNode json = Json.object()
                .put("id", guildId)
                .put("name", name)
                .put("owner_id", ownerId)
                .put("afk_timeout", AFK_TIMEOUT_SECONDS)
                .put("verification_level", 0)
                .put("default_message_notifications", 0)
                .put("explicit_content_filter", 0)
                .put("mfa_level", 0)
                .put("nsfw_level", 0)
                .put("premium_tier", 0)
                .put("premium_subscription_count", 0)
                .put("premium_progress_bar_enabled", false)
                .put("system_channel_flags", 0)
                .put("preferred_locale", "en-US")
                .put("max_members", 500_000)
                .put("large", false)
                .put("unavailable", false)
                .put("member_count", members.size())
                .put("joined_at", timestamp(joinedAt));
        for (String key : List.of("icon", "splash", "discovery_splash", "banner", "description", "vanity_url_code",
                "afk_channel_id", "system_channel_id", "rules_channel_id", "public_updates_channel_id",
                "safety_alerts_channel_id", "application_id")) {
            json.putNull(key);
        }
        for (String key : List.of("features", "emojis", "stickers", "voice_states", "presences",
                "guild_scheduled_events", "stage_instances", "soundboard_sounds", "embedded_activities")) {
            json.putArray(key);
        }
        ArrayNode roleArray = json.putArray("roles");
        roles.forEach(r -> roleArray.add(role(r)));
        ArrayNode channelArray = json.putArray("channels");
        ArrayNode threadArray = json.putArray("threads");
        for (Channel channel : channels) {
            if (channel.type() == ChannelType.TEXT) {
                channelArray.add(textChannel(channel, guildId));
            } else if (channel.type() == ChannelType.PUBLIC_THREAD) {
                threadArray.add(thread(channel, guildId));
            }
        }
        ArrayNode memberArray = json.putArray("members");
        members.forEach(memberArray::add);
        return json;
    }

    /** A Discord error body: {@code {"message": …, "code": …}}. */
    static ObjectNode error(int code, String message) {
        return Json.object().put("message", message).put("code", code);
    }

    static String timestamp(Instant instant) {
        return instant.toString();
    }

    static String contentType(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".md") || lower.endsWith(".txt") || lower.endsWith(".log")) {
            return "text/plain; charset=utf-8";
        } else if (lower.endsWith(".png")) {
            return "image/png";
        } else if (lower.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    private static void lastMessage(ObjectNode json, Channel channel) {
        if (channel.lastMessageId().isEmpty()) {
            json.putNull("last_message_id");
        } else {
            json.put("last_message_id", channel.lastMessageId());
        }
    }
}
