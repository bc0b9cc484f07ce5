package dev.agenttunnel.testkit.discord;

/** Discord permission bits the emulated guild hands out. */
final class Permissions {
    static final long ADD_REACTIONS = 1L << 6;
    static final long VIEW_CHANNEL = 1L << 10;
    static final long SEND_MESSAGES = 1L << 11;
    static final long EMBED_LINKS = 1L << 14;
    static final long ATTACH_FILES = 1L << 15;
    static final long READ_MESSAGE_HISTORY = 1L << 16;
    static final long USE_EXTERNAL_EMOJIS = 1L << 18;
    static final long CHANGE_NICKNAME = 1L << 26;
    static final long CREATE_PUBLIC_THREADS = 1L << 35;
    static final long SEND_MESSAGES_IN_THREADS = 1L << 38;

    /** What {@code @everyone} may do in the emulated guild: read, talk, react, attach, use threads. */
    static final long EVERYONE = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | ADD_REACTIONS | ATTACH_FILES
            | EMBED_LINKS | USE_EXTERNAL_EMOJIS | CHANGE_NICKNAME | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS;

    /** The bot's own role: the permissions agent-tunnel asks for when it is invited. */
    static final long BOT = VIEW_CHANNEL | SEND_MESSAGES | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS
            | ATTACH_FILES | ADD_REACTIONS | READ_MESSAGE_HISTORY | EMBED_LINKS;

    private Permissions() {
    }
}
