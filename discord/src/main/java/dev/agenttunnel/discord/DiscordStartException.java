package dev.agenttunnel.discord;

/**
 * Discord could not be reached, refused the token or an intent, or did not get ready in time: {@link #reason()} says
 * which, the message says it in one line (with what Discord or the network said).
 */
public final class DiscordStartException extends RuntimeException {
    /** Why the bot could not start, each with its own remedy. */
    public enum Reason {
        /** Discord refused the token (REST 401, or gateway close code 4004). */
        TOKEN_REJECTED,
        /** The REST endpoint could not be reached (refused connection, unknown host, TLS failure, timeout); the message is the network's. */
        UNREACHABLE,
        /** The gateway refused a privileged intent the bot asks for (close code 4014): Message Content. */
        INTENT_DISALLOWED,
        /** The gateway did not get ready within the deadline. */
        NOT_READY,
        /** Anything else (a bad setting, an interrupt, another close code). */
        OTHER
    }

    private final Reason reason;

    public DiscordStartException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
