package dev.agenttunnel.core.chat;

/** A file attached to a chat message: its name, size in bytes, and where to download it. */
public record ChatAttachment(String fileName, long sizeBytes, String url) {
}
