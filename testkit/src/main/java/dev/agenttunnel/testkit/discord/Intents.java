package dev.agenttunnel.testkit.discord;

/** Gateway intent bits the emulator honours when it decides which events a session receives. */
final class Intents {
    static final int GUILDS = 1;
    static final int GUILD_MEMBERS = 1 << 1;
    static final int GUILD_MESSAGES = 1 << 9;
    static final int DIRECT_MESSAGES = 1 << 12;
    static final int MESSAGE_CONTENT = 1 << 15;

    private Intents() {
    }
}
