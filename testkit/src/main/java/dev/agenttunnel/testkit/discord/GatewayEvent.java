package dev.agenttunnel.testkit.discord;

/**
 * Something that happened on the emulated gateway, in order: a client identified (READY sent), resumed (missed
 * events replayed, RESUMED sent), or a connection closed ({@code closeCode} as seen by the server).
 */
public record GatewayEvent(Kind kind, String sessionId, int intents, int closeCode) {
    /** What happened. */
    public enum Kind { IDENTIFIED, RESUMED, DISCONNECTED }
}
