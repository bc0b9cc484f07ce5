package dev.agenttunnel.core.claude;

import dev.agenttunnel.core.AccessLevel;
import java.util.List;

/**
 * The tools a fork may use at each access level, enforced by claude's own flags.
 *
 * <p>{@link #tools} goes to {@code --tools}, which fixes the offered list for a new session. Observed with
 * claude 2.1.328: on {@code --resume} (every fork turn) {@code --tools} is ignored, and the model is offered
 * Agent, Bash, Edit, Write, Skill, ToolSearch, Workflow, ScheduleWakeup, ListAgents and ReportFindings, and
 * through ToolSearch deferred tools such as EnterWorktree. What does remove a tool from the offered list, also
 * on resume, is {@code --disallowedTools}; so {@link #disallowed} is every tool claude knows minus the level's
 * own. Unknown names there are accepted by claude, so listing older and newer names costs nothing.
 */
public final class ToolPresets {
    private static final List<String> READ = List.of("Read", "Grep", "Glob");
    private static final List<String> WRITE = List.of("Read", "Grep", "Glob", "Write", "Edit", "NotebookEdit");
    private static final List<String> BASH = List.of("Read", "Grep", "Glob", "Write", "Edit", "NotebookEdit", "Bash");

    /** Every tool name claude has offered (2.1.x), in the reference's order first, then the rest. */
    static final List<String> KNOWN_TOOLS = List.of(
            "Write", "Edit", "NotebookEdit", "Bash", "Task", "Agent", "WebFetch", "WebSearch",
            "ToolSearch", "Skill", "Workflow", "ScheduleWakeup", "ListAgents", "ReportFindings", "SendMessage",
            "EnterWorktree", "ExitWorktree", "CronCreate", "CronDelete", "CronList", "Monitor", "TaskStop",
            "TaskCreate", "TaskOutput", "TaskUpdate", "TaskList", "TaskGet", "TodoWrite", "KillShell", "BashOutput",
            "SlashCommand", "EnterPlanMode", "ExitPlanMode", "AskUserQuestion", "LSP", "MultiEdit", "NotebookRead");

    private ToolPresets() {
    }

    /** The complete tool list of a level below {@code all}. */
    public static List<String> tools(AccessLevel level) {
        return switch (level) {
            case READ, ALL -> READ;
            case WRITE -> WRITE;
            case BASH -> BASH;
        };
    }

    /** Tools claude may run without asking. */
    public static List<String> allowed(AccessLevel level) {
        return tools(level);
    }

    /** Every other tool: claude removes these from what the model is offered, whatever project settings allow. */
    public static List<String> disallowed(AccessLevel level) {
        List<String> own = tools(level);
        return KNOWN_TOOLS.stream().filter(t -> !own.contains(t)).toList();
    }
}
