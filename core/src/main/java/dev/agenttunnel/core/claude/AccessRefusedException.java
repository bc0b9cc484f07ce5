package dev.agenttunnel.core.claude;

/** A turn that must not run at the handle's access level; the message tells the owner what to change. */
public final class AccessRefusedException extends Exception {
    public AccessRefusedException(String message) {
        super(message);
    }
}
