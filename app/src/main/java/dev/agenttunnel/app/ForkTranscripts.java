package dev.agenttunnel.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.files.JsonTrees;
import dev.agenttunnel.core.store.ThreadRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a fork's transcript (read only) to tell how much conversation it holds: the number of entries with
 * non-empty user text. Tool results, meta entries, sidechains and summaries do not count.
 *
 * <p>The transcript of a fork is {@code <config dir>/projects/<project dir, every non-alphanumeric character turned
 * into '-'>/<fork id>.jsonl}, as the real claude names it (the Python tool encoded only {@code / _ .}). The config
 * dir is the thread's own, else {@code [tunnel] claude_home}, else {@code ~/.claude}.
 */
final class ForkTranscripts {

    private ForkTranscripts() {
    }

    /** Where the thread's fork transcript should be; empty for a thread without a fork or without a project. */
    static Optional<Path> of(ThreadRecord thread, Settings settings, Environment env) {
        if (!thread.hasFork() || thread.projectDir().isEmpty()) {
            return Optional.empty();
        }
        Path configDir = !thread.configDir().isEmpty() ? env.resolve(thread.configDir())
                : settings.tunnel().claudeHome().orElseGet(env::defaultClaudeConfigDir);
        Path projects = configDir.resolve("projects");
        String file = thread.forkSessionId() + ".jsonl";
        Path asStored = projects.resolve(encode(thread.projectDir())).resolve(file);
        if (Files.exists(asStored)) {
            return Optional.of(asStored);
        }
        // claude names the folder after its real cwd; the stored project dir may still hold a symlink.
        return Optional.of(projects.resolve(encode(CanonicalPaths.canonical(Path.of(thread.projectDir())).toString())).resolve(file));
    }

    /** The folder name claude gives a project's transcripts. */
    static String encode(String projectDir) {
        return dev.agenttunnel.core.registry.SessionTranscripts.folderName(projectDir);
    }

    /** The number of user turns in a transcript; empty when it cannot be read (missing, unreadable). */
    static OptionalInt userTurns(Path transcript) {
        int turns = 0;
        try (BufferedReader lines = Files.newBufferedReader(transcript, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!userText(line).isEmpty()) {
                    turns++;
                }
            }
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(turns);
    }

    /** The user text of one JSONL line; empty for blank or bad lines and for anything that is not a user's words. */
    static String userText(String line) {
        if (line.isBlank()) {
            return "";
        }
        try {
            return text(JsonTrees.parse(line), "user");
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The text of an entry for a role: empty unless {@code type} is the role and it is neither a sidechain nor meta;
     * a string {@code message.content} is the text, a list gives its non-empty {@code text} blocks joined by newlines.
     */
    static String text(JsonNode entry, String role) {
        if (!entry.isObject() || !role.equals(entry.path("type").asText())
                || entry.path("isSidechain").asBoolean(false) || entry.path("isMeta").asBoolean(false)) {
            return "";
        }
        JsonNode content = entry.path("message").path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode block : content) {
            JsonNode text = block.path("text");
            if ("text".equals(block.path("type").asText()) && text.isTextual() && !text.asText().isEmpty()) {
                texts.add(text.asText());
            }
        }
        return String.join("\n", texts);
    }
}
