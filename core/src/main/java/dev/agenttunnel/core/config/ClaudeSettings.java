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
        boolean allowSkipPermissions) {
    public ClaudeSettings {
        allowedTools = List.copyOf(allowedTools);
        disallowedTools = List.copyOf(disallowedTools);
        headlessExtraArgs = List.copyOf(headlessExtraArgs);
        tmuxExtraArgs = List.copyOf(tmuxExtraArgs);
        if (binary.isBlank()) {
            throw new IllegalArgumentException("claude.binary must not be empty");
        }
    }
}
