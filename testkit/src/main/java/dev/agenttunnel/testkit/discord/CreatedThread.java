package dev.agenttunnel.testkit.discord;

/**
 * A public thread created from a message, by the bot over REST or by a scripted colleague. As on Discord, the
 * thread's id is the starter message's id.
 */
public record CreatedThread(String id, String name, String parentId, String starterMessageId, String ownerId) {
}
