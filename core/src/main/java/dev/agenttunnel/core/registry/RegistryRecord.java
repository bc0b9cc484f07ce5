package dev.agenttunnel.core.registry;

import dev.agenttunnel.core.AccessLevel;

/**
 * One published session in {@code registry.json}: handle → the expert session and how colleagues may use it.
 * {@code createdAt} stays a double (epoch seconds) so it round-trips exactly through the Python tool's files.
 */
public record RegistryRecord(
        String handle,
        String sessionId,
        String cwd,
        String configDir,
        AccessLevel access,
        String label,
        String transcriptPath,
        double createdAt,
        boolean revoked) {

    public RegistryRecord {
        handle = nonNull(handle);
        sessionId = nonNull(sessionId);
        cwd = nonNull(cwd);
        configDir = nonNull(configDir);
        access = access == null ? AccessLevel.READ : access;
        label = nonNull(label);
        transcriptPath = nonNull(transcriptPath);
    }

    public boolean live() {
        return !revoked;
    }

    /** The label when it says more than the handle, else the handle. */
    public String displayName() {
        return label.isEmpty() ? handle : label;
    }

    public RegistryRecord withRevoked(boolean value) {
        return new RegistryRecord(handle, sessionId, cwd, configDir, access, label, transcriptPath, createdAt, value);
    }

    public RegistryRecord withHandleAndLabel(String newHandle, String newLabel) {
        return new RegistryRecord(newHandle, sessionId, cwd, configDir, access, newLabel, transcriptPath, createdAt, revoked);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
