package dev.agenttunnel.testkit.discord;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A file attached to a stored message: uploaded by the bot (a multipart {@code files[n]} part) or attached by a
 * scripted colleague. {@code url} is where the emulator serves the bytes.
 */
public record PostedFile(String id, String name, byte[] content, String url) {
    public PostedFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The size in bytes. */
    public int size() {
        return content.length;
    }

    /** The bytes decoded as UTF-8. */
    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
