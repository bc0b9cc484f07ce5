package dev.agenttunnel.core.config;

import java.util.List;

/** {@code [claude]}: the binary and the flags every fork gets. */
public record ClaudeSettings(
        String binary,
        String model,
        List<String> allowedTools,
        List<String> disallowedTools,
        String permissionMode,
        String persona,
        List<String> headlessExtraArgs,
        List<String> tmuxExtraArgs,
        boolean autoTrust,
        String trustConfigPath,
        boolean unsetApiKey,
        boolean allowSkipPermissions,
        List<String> denyPaths) {
    /** Permission modes that would switch the fence off below {@code all}; the {@code all} level is the way to do that. */
    private static final java.util.Set<String> UNFENCED_MODES = java.util.Set.of("bypassPermissions", "acceptEdits");

    public ClaudeSettings {
        denyPaths = List.copyOf(denyPaths);
        if (UNFENCED_MODES.contains(permissionMode.strip())) {
            throw new IllegalArgumentException("claude.permission_mode = \"" + permissionMode + "\" would let forks below the "
                    + "`all` level skip their fence; use \"dontAsk\" (the default), and share with "
                    + ">share --dangerously-skip-permissions where a fork really needs every permission");
        }
        allowedTools = List.copyOf(allowedTools);
        disallowedTools = List.copyOf(disallowedTools);
        headlessExtraArgs = List.copyOf(headlessExtraArgs);
        tmuxExtraArgs = List.copyOf(tmuxExtraArgs);
        if (binary.isBlank()) {
            throw new IllegalArgumentException("claude.binary must not be empty");
        }
    }
}
