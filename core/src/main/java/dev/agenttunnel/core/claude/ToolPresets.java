package dev.agenttunnel.core.claude;

import dev.agenttunnel.core.AccessLevel;
import java.util.List;

/**
 * The tools a fork may use at each access level. {@link #tools} is passed as {@code --tools}, which fixes the
 * list claude offers the model (a hard limit: deferred tools such as EnterWorktree, and Skill, ToolSearch or
 * Workflow, are not offered at all); the allow and deny lists add claude's permission rules on top.
 */
public final class ToolPresets {
    private static final List<String> READ = List.of("Read", "Grep", "Glob");
    private static final List<String> WRITE = List.of("Read", "Grep", "Glob", "Write", "Edit", "NotebookEdit");
    private static final List<String> BASH = List.of("Read", "Grep", "Glob", "Write", "Edit", "NotebookEdit", "Bash");

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

    /** Tools claude must refuse even if a project's settings allow them. */
    public static List<String> disallowed(AccessLevel level) {
        return switch (level) {
            case READ, ALL -> List.of("Write", "Edit", "NotebookEdit", "Bash", "Task", "Agent", "WebFetch", "WebSearch");
            case WRITE -> List.of("Bash", "Task", "Agent", "WebFetch", "WebSearch");
            case BASH -> List.of("Task", "Agent", "WebFetch", "WebSearch");
        };
    }
}
