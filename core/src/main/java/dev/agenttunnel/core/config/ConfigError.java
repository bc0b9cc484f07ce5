package dev.agenttunnel.core.config;

/** The configuration cannot be used; the message names the file, the key and what to do. */
public final class ConfigError extends Exception {
    public ConfigError(String message) {
        super(message);
    }

    public ConfigError(String message, Throwable cause) {
        super(message, cause);
    }
}
