package dev.agenttunnel.core.claude;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ClaudeSettings;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.config.DiscordToken;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.files.JsonTrees;
import java.util.Optional;
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

    /** File tools whose bare name in {@code --allowedTools} would allow them on every path; they are always scoped. */
    private static final Set<String> PATH_TOOLS = Set.of("Read", "Grep", "Glob", "Edit", "Write", "NotebookEdit", "MultiEdit",
            "NotebookRead", "LS");

    private final ClaudeSettings settings;
    private final String platform;
    private final Set<String> secretVariables;
    private final ForkFence fence;
    /** claude's {@code --max-budget-usd} for a turn that runs its own claude; 0 = none. */
    private final double turnBudgetUsd;
    /** Variables put into every fork's environment to tell whose it is ({@link dev.agenttunnel.core.fork.ForkProcesses}). */
    private final Map<String, String> marks;

    /**
     * @param secretVariables variables of ours that a fork must never see (the Discord bot token's variable): a
     *                        fork with Bash could otherwise print them
     * @param fence           what forks below {@code all} may reach
     */
    public ClaudeCommand(ClaudeSettings settings, String platform, Set<String> secretVariables, ForkFence fence, double turnBudgetUsd) {
        this(settings, platform, secretVariables, fence, turnBudgetUsd, Map.of());
    }

    private ClaudeCommand(ClaudeSettings settings, String platform, Set<String> secretVariables, ForkFence fence, double turnBudgetUsd,
            Map<String, String> marks) {
        this.settings = settings;
        this.platform = platform;
        this.secretVariables = Set.copyOf(secretVariables);
        this.fence = fence;
        this.turnBudgetUsd = turnBudgetUsd;
        this.marks = Map.copyOf(marks);
    }

    /** This command, with {@code name=value} in every fork's environment (e.g. which daemon started it). */
    public ClaudeCommand marked(String name, String value) {
        Map<String, String> more = new HashMap<>(marks);
        more.put(name, value);
        return new ClaudeCommand(settings, platform, secretVariables, fence, turnBudgetUsd, more);
    }

    /**
     * The command of this installation: {@code settings}' own files fenced off; the token's variable and the
     * launcher's hand-over variables kept from forks.
     */
    public static ClaudeCommand of(Settings settings, Environment env) {
        Set<String> secrets = new HashSet<>(DiscordToken.LAUNCHER_VARIABLES);
        secrets.add(settings.discord().tokenEnv());
        return new ClaudeCommand(settings.claude(), settings.tunnel().platform(), secrets, ForkFence.of(settings, env),
                settings.limits().maxTurnCostUsd());
    }

    public ForkFence fence() {
        return fence;
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

    /**
     * {@code claude -p --output-format stream-json --verbose <flags> --settings <fence> <headless_extra_args>}; the
     * question goes on stdin.
     */
    public ProcessSpec headless(ForkTurn turn, Environment env) throws AccessRefusedException {
        List<String> argv = new ArrayList<>(List.of(settings.binary(), "-p", "--output-format", "stream-json", "--verbose"));
        argv.addAll(flags(turn));
        settings(turn, Optional.empty(), env).ifPresent(json -> argv.addAll(List.of("--settings", json)));
        if (turnBudgetUsd > 0) { // counts from the process's start: only a claude per turn bounds one turn with it
            argv.addAll(List.of("--max-budget-usd", String.valueOf(turnBudgetUsd)));
        }
        argv.addAll(settings.headlessExtraArgs());
        return new ProcessSpec(argv, turn.projectDir(), setEnv(turn, env), unsetEnv(turn, env));
    }

    /**
     * A warm fork: {@code claude -p --input-format stream-json --output-format stream-json --verbose <flags> --settings
     * <fence> <headless_extra_args>}, which stays alive and takes one question per stdin line.
     */
    public ProcessSpec streaming(ForkTurn turn, Environment env) throws AccessRefusedException {
        List<String> argv = new ArrayList<>(List.of(settings.binary(), "-p", "--input-format", "stream-json", "--output-format",
                "stream-json", "--verbose"));
        argv.addAll(flags(turn));
        settings(turn, Optional.empty(), env).ifPresent(json -> argv.addAll(List.of("--settings", json)));
        argv.addAll(settings.headlessExtraArgs());
        return new ProcessSpec(argv, turn.projectDir(), setEnv(turn, env), unsetEnv(turn, env));
    }

    /**
     * The flags shared by both backends, in the reference's order. Below {@code all}: the level's tools, path-scoped
     * allow rules, every other tool disallowed, {@code dontAsk}, no MCP servers and no slash commands (a question
     * {@code /name} would run that command). The fence's settings come separately ({@link #settings}): claude takes
     * one {@code --settings} value only, and the tmux backend adds its hooks to it.
     */
    public List<String> flags(ForkTurn turn) throws AccessRefusedException {
        checkAllowed(turn.access());
        List<String> flags = new ArrayList<>(List.of("--resume", turn.resumeId()));
        if (turn.forkSession()) {
            flags.add("--fork-session");
        }
        if (turn.access() == AccessLevel.ALL) {
            flags.add("--dangerously-skip-permissions");
        } else {
            ForkFence.checkNameable(turn.projectDir());
            flags.addAll(List.of("--tools", String.join(",", ToolPresets.tools(turn.access()))));
            List<String> allowed = new ArrayList<>(fence.allowRules(turn.access(), turn.projectDir(), turn.readableDirs()));
            List<String> configured = settings.allowedTools().isEmpty() ? List.of() : settings.allowedTools();
            configured.stream().filter(t -> !PATH_TOOLS.contains(t.strip()) && !allowed.contains(t)).forEach(allowed::add);
            addList(flags, "--allowedTools", allowed);
            addList(flags, "--disallowedTools", settings.disallowedTools().isEmpty() ? ToolPresets.disallowed(turn.access()) : settings.disallowedTools());
            String mode = settings.permissionMode().isBlank() ? "dontAsk" : settings.permissionMode();
            flags.addAll(List.of("--permission-mode", mode));
            flags.add("--strict-mcp-config");
            flags.add("--disable-slash-commands");
        }
        if (!settings.model().isBlank()) {
            flags.addAll(List.of("--model", settings.model()));
        }
        String prompt = Persona.systemPrompt(settings.persona(), platform,
                turn.access().includes(AccessLevel.WRITE) ? turn.outbox() : java.util.Optional.empty());
        if (!prompt.isEmpty()) {
            flags.addAll(List.of("--append-system-prompt", prompt));
        }
        return flags;
    }

    /**
     * The one {@code --settings} value of a turn: below {@code all} the fence ({@link ForkFence#settings}), plus
     * {@code hooks} when the backend has any.
     */
    public Optional<String> settings(ForkTurn turn, Optional<ObjectNode> hooks, Environment env) {
        ObjectNode root;
        if (turn.access() == AccessLevel.ALL) {
            // The owner opted in twice (the level and allow_skip_permissions): an interactive fork would otherwise stop
            // at claude's "Bypass Permissions mode" warning, which only a person at its window can accept.
            root = JsonNodeFactory.instance.objectNode().put("skipDangerousModePermissionPrompt", true);
        } else {
            Path configDir = turn.configDir().isEmpty() ? env.defaultClaudeConfigDir() : Path.of(turn.configDir());
            root = fence.settings(turn.access(), turn.projectDir(), turn.readableDirs(), configDir);
        }
        hooks.ifPresent(h -> root.set("hooks", h));
        try {
            return Optional.of(JsonTrees.compact(root));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a fork's settings", e);
        }
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
        Map<String, String> set = new HashMap<>(marks);
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
