package dev.agenttunnel.testkit.discord;

/**
 * A Discord API error: the HTTP status, Discord's JSON error code and message. Thrown by the emulator's model for a
 * request it refuses; the REST layer turns it into Discord's error body, and test-side calls see it as is.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final int code;

    ApiError(int status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static ApiError unknownChannel(String id) {
        return new ApiError(404, 10003, "Unknown Channel (" + id + ")");
    }

    static ApiError unknownMessage(String id) {
        return new ApiError(404, 10008, "Unknown Message (" + id + ")");
    }

    static ApiError unknownUser(String id) {
        return new ApiError(404, 10013, "Unknown User (" + id + ")");
    }

    static ApiError invalidForm(String detail) {
        return new ApiError(400, 50035, "Invalid Form Body: " + detail);
    }

    int status() {
        return status;
    }

    int code() {
        return code;
    }
}
