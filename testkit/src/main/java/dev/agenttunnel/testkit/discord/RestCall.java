package dev.agenttunnel.testkit.discord;

/** One REST request the emulator answered: method, path below the API root (e.g. {@code channels/1/typing}), status. */
public record RestCall(String method, String path, int status) {
    /** {@code "POST channels/1/messages -> 200"}. */
    public String summary() {
        return method + " " + path + " -> " + status;
    }
}
