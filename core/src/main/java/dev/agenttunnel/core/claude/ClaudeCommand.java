package dev.agenttunnel.core.claude;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ClaudeSettings;
import dev.agenttunnel.core.files.CanonicalPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@code claude} command line and environment for one turn of a fork, shared by both backends.
 * The access level is enforced here by claude's own flags; {@code all} needs the owner's explicit gate.
 */
public final class ClaudeCommand {
    /** Variables that would switch a fork to API billing or to a different account. */
    public static final List<String> API_KEY_VARIABLES = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN");
    /** Set by a surrounding Claude Code session; a fork started from one must not think it is nested. */
    private static final List<String> PARENT_SESSION_VARIABLES = List.of("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT");

    private final ClaudeSettings settings;
    private final String platform;
    private final Set<String> secretVariables;

    public ClaudeCommand(ClaudeSettings settings, String platform) {
        this(settings, platform, Set.of());
    }

    /**
     * @param secretVariables variables of ours that a fork must never see (the Discord bot token's variable): a
     *                        fork with Bash could otherwise print them
     */
    public ClaudeCommand(ClaudeSettings settings, String platform, Set<String> secretVariables) {
        this.settings = settings;
        this.platform = platform;
        this.secretVariables = Set.copyOf(secretVariables);
    }

    /** Refuses {@code all} unless {@code [claude] allow_skip_permissions = true}. */
    public void checkAllowed(AccessLevel access) throws AccessRefusedException {
        if (access == AccessLevel.ALL && !settings.allowSkipPermissions()) {
            throw new AccessRefusedException("This handle is shared with full access (>share --dangerously-skip-permissions), "
                    + "which agent-tunnel refuses unless the owner sets `allow_skip_permissions = true` under [claude] "
                    + "in config.toml (and restarts serve). Ask the owner to do that, or to re-share with "
                    + "`>share --dangerously-allow-bash`.");
        }
    }

    /** {@code claude -p --output-format stream-json --verbose <flags> <headless_extra_args>}; the question goes on stdin. */
    public ProcessSpec headless(ForkTurn turn, Environment env) throws AccessRefusedException {
        List<String> argv = new ArrayList<>(List.of(settings.binary(), "-p", "--output-format", "stream-json", "--verbose"));
        argv.addAll(flags(turn));
        argv.addAll(settings.headlessExtraArgs());
        return new ProcessSpec(argv, turn.projectDir(), setEnv(turn, env), unsetEnv(turn, env));
    }

    /** The flags shared by both backends, in the reference's order. */
    public List<String> flags(ForkTurn turn) throws AccessRefusedException {
        checkAllowed(turn.access());
        List<String> flags = new ArrayList<>(List.of("--resume", turn.resumeId()));
        if (turn.forkSession()) {
            flags.add("--fork-session");
        }
        if (turn.access() == AccessLevel.ALL) {
            flags.add("--dangerously-skip-permissions");
        } else {
            flags.addAll(List.of("--tools", String.join(",", ToolPresets.tools(turn.access()))));
            addList(flags, "--allowedTools", settings.allowedTools().isEmpty() ? ToolPresets.allowed(turn.access()) : settings.allowedTools());
            addList(flags, "--disallowedTools", settings.disallowedTools().isEmpty() ? ToolPresets.disallowed(turn.access()) : settings.disallowedTools());
            if (!settings.permissionMode().isBlank()) {
                flags.addAll(List.of("--permission-mode", settings.permissionMode()));
            }
            flags.add("--strict-mcp-config");
        }
        if (!settings.model().isBlank()) {
            flags.addAll(List.of("--model", settings.model()));
        }
        for (Path dir : turn.addDirs()) {
            flags.addAll(List.of("--add-dir", dir.toAbsolutePath().toString()));
        }
        String prompt = Persona.systemPrompt(settings.persona(), platform,
                turn.access().includes(AccessLevel.WRITE) ? turn.outbox() : java.util.Optional.empty());
        if (!prompt.isEmpty()) {
            flags.addAll(List.of("--append-system-prompt", prompt));
        }
        return flags;
    }

    private static void addList(List<String> flags, String flag, List<String> tools) {
        if (!tools.isEmpty()) {
            flags.addAll(List.of(flag, String.join(",", tools)));
        }
    }

    /**
     * {@code CLAUDE_CONFIG_DIR} only for a non-default config dir: setting it, even to {@code ~/.claude}, moves
     * claude's state file from {@code ~/.claude.json} to {@code ~/.claude/.claude.json}.
     */
    Map<String, String> setEnv(ForkTurn turn, Environment env) {
        Map<String, String> set = new HashMap<>();
        if (!turn.configDir().isEmpty() && !isDefaultConfigDir(turn.configDir(), env)) {
            set.put("CLAUDE_CONFIG_DIR", turn.configDir());
        }
        return set;
    }

    Set<String> unsetEnv(ForkTurn turn, Environment env) {
        Set<String> unset = new HashSet<>(PARENT_SESSION_VARIABLES);
        unset.addAll(secretVariables);
        if (settings.unsetApiKey()) {
            unset.addAll(API_KEY_VARIABLES);
        }
        if (!turn.configDir().isEmpty() && isDefaultConfigDir(turn.configDir(), env)) {
            unset.add("CLAUDE_CONFIG_DIR");
        }
        return unset;
    }

    static boolean isDefaultConfigDir(String configDir, Environment env) {
        return CanonicalPaths.canonical(Path.of(configDir)).equals(CanonicalPaths.canonical(env.defaultClaudeConfigDir()));
    }
}
