package dev.agenttunnel.app;

/** A command ends with a one-line message the user can act on, and an exit code from {@link ExitCodes}. */
public final class CommandFailure extends Exception {
    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
