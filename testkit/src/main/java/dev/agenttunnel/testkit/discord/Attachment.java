package dev.agenttunnel.testkit.discord;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A file a scripted colleague attaches to a message ({@link DiscordEmulator#postAsUser(String, String, String,
 * java.util.List)}). The emulator serves its bytes at the attachment's URL, as Discord's CDN would.
 */
public record Attachment(String fileName, byte[] content) {
    public Attachment {
        Objects.requireNonNull(fileName, "fileName");
        content = content.clone();
    }

    /** A UTF-8 text file. */
    public static Attachment text(String fileName, String text) {
        return new Attachment(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] content() {
        return content.clone();
    }
}
