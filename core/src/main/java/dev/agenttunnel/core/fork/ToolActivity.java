package dev.agenttunnel.core.fork;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * A tool call in words for the person waiting for the answer: "Reading `src/auth.ts`", "Searching for `token` in
 * `src/`". Paths inside the project are shown relative to it; any other path only by its file name.
 */
public final class ToolActivity {
    private static final int MAX = 80;

    private ToolActivity() {
    }

    public static String describe(String tool, JsonNode input, Path project) {
        return switch (tool) {
            case "Read" -> "Reading " + code(path(input.path("file_path").asText(""), project));
            case "Grep" -> "Searching for " + code(input.path("pattern").asText("")) + in(input.path("path").asText(""), project);
            case "Glob" -> "Looking for " + code(input.path("pattern").asText("")) + in(input.path("path").asText(""), project);
            case "Edit", "MultiEdit" -> "Editing " + code(path(input.path("file_path").asText(""), project));
            case "Write" -> "Writing " + code(path(input.path("file_path").asText(""), project));
            case "NotebookEdit" -> "Editing " + code(path(input.path("notebook_path").asText(""), project));
            case "Bash" -> "Running " + code(firstLine(input.path("command").asText("")));
            default -> "Using " + tool;
        };
    }

    private static String in(String path, Path project) {
        return path.isEmpty() ? "" : " in " + code(path(path, project));
    }

    static String path(String raw, Path project) {
        if (raw.isEmpty()) {
            return "";
        }
        Path p = Path.of(raw);
        if (!p.isAbsolute()) {
            return raw;
        }
        Path normal = p.normalize();
        Path base = project.toAbsolutePath().normalize();
        if (normal.startsWith(base)) {
            String relative = base.relativize(normal).toString();
            return relative.isEmpty() ? "." : relative;
        }
        return normal.getFileName() == null ? "/" : normal.getFileName().toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }

    /** In backticks, cut to a readable length, with no backtick inside to break out of the code span. */
    private static String code(String s) {
        String clean = s.replace('`', '\'').replaceAll("\\p{Cntrl}", " ");
        if (clean.codePointCount(0, clean.length()) > MAX) {
            clean = clean.substring(0, clean.offsetByCodePoints(0, MAX)) + "…";
        }
        return "`" + clean + "`";
    }
}
