package dev.agenttunnel.core.registry;

/**
 * What {@link Registry#rename} did: the record moved, or why it did not. A refusal changes nothing and carries a
 * one-line message a person can act on.
 */
public sealed interface RenameResult {

    /** The record now lives under {@code to.handle()}; {@code from} is how it looked under the old handle. */
    record Renamed(RegistryRecord from, RegistryRecord to) implements RenameResult {
    }

    /** Nothing changed. */
    record Refused(Reason reason, String message) implements RenameResult {
    }

    /** Why a rename was refused. */
    enum Reason {
        /** Nothing valid remains of the new handle once sanitised ({@link dev.agenttunnel.core.Handles#sanitise}). */
        INVALID_HANDLE,
        /** Old and new are the same handle. */
        SAME_HANDLE,
        /** There is no live record under the old handle (missing or revoked). */
        NOT_FOUND,
        /** The new handle is live and belongs to another session. */
        ALREADY_USED
    }
}
