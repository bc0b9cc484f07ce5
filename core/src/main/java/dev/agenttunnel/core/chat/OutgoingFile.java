package dev.agenttunnel.core.chat;

/** A file the bridge posts: a name and its bytes. */
public record OutgoingFile(String name, byte[] content) {
}
