package dev.agenttunnel.discord;

/** Discord could not be reached, refused the token, or did not get ready in time; the message says which, in one line. */
public final class DiscordStartException extends RuntimeException {
    public DiscordStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
