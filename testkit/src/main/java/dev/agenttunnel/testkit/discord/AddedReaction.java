package dev.agenttunnel.testkit.discord;

/** A reaction the bot added ({@code PUT …/reactions/{emoji}/@me}); {@code emoji} is decoded (e.g. {@code ✅}). */
public record AddedReaction(String channelId, String messageId, String emoji, String userId) {
}
