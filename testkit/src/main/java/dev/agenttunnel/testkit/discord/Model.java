package dev.agenttunnel.testkit.discord;

import java.time.Instant;
import java.util.List;

/** The emulated guild's entities, as immutable values; {@link EmulatorState} replaces them on change. */
final class Model {
    private Model() {
    }

    /** A Discord account: a colleague or the bot. {@code displayName} is the global name. */
    record User(String id, String username, String displayName, boolean bot) {
    }

    /** A guild role; the {@code @everyone} role's id is the guild's id. */
    record Role(String id, String name, long permissions, int position, boolean managed, String botId) {
    }

    /** A user's membership of the guild. */
    record Member(String userId, List<String> roleIds, String nick, Instant joinedAt) {
        Member {
            roleIds = List.copyOf(roleIds);
        }
    }

    /** Channel types the emulator knows, with Discord's numeric type. */
    enum ChannelType {
        TEXT(0), DM(1), PUBLIC_THREAD(11);

        final int id;

        ChannelType(int id) {
            this.id = id;
        }
    }

    /**
     * A text channel, a public thread ({@code parentId}, {@code ownerId}) or a DM channel with the bot
     * ({@code recipientId}).
     */
    record Channel(
            String id,
            ChannelType type,
            String name,
            String parentId,
            String ownerId,
            String recipientId,
            int position,
            int messageCount,
            String lastMessageId,
            Instant createdAt) {

        static Channel text(String id, String name, int position, Instant now) {
            return new Channel(id, ChannelType.TEXT, name, "", "", "", position, 0, "", now);
        }

        static Channel thread(String id, String name, String parentId, String ownerId, Instant now) {
            return new Channel(id, ChannelType.PUBLIC_THREAD, name, parentId, ownerId, "", 0, 0, "", now);
        }

        static Channel dm(String id, String recipientId, Instant now) {
            return new Channel(id, ChannelType.DM, "", "", "", recipientId, 0, 0, "", now);
        }

        boolean inGuild() {
            return type != ChannelType.DM;
        }

        Channel withMessage(String messageId) {
            int count = type == ChannelType.PUBLIC_THREAD ? messageCount + 1 : messageCount;
            return new Channel(id, type, name, parentId, ownerId, recipientId, position, count, messageId, createdAt);
        }
    }
}
