package dev.agenttunnel.core.claude;

import java.nio.file.Path;
import java.util.List;

/** The text a fork is given about its situation, and the form of relayed messages. Courtesy, not security. */
public final class Persona {
    private Persona() {
    }

    /** The persona with {@code {platform}} filled in, plus the outbox instruction when there is an outbox. */
    public static String systemPrompt(String persona, String platform, java.util.Optional<Path> outbox) {
        String text = persona.replace("{platform}", platform);
        String instruction = outbox.map(Persona::outboxInstruction).orElse("");
        if (text.isEmpty()) {
            return instruction;
        }
        return instruction.isEmpty() ? text : text + "\n\n" + instruction;
    }

    static String outboxInstruction(Path outbox) {
        return "To hand a file back to the person asking, save it in " + outbox.toAbsolutePath()
                + " — only files placed there are delivered; nothing else you read or edit is sent. "
                + "Prefer chat-friendly formats (Markdown, CSV, plain text).";
    }

    /**
     * The question with the files a colleague attached: a line asking the fork to read them with the Read tool, one
     * {@code - <absolute path>} per file, a blank line, then the question — or, when there is none, a request to
     * review them. No files: the question as it is.
     */
    public static String withAttachments(String question, List<Path> files) {
        if (files.isEmpty()) {
            return question;
        }
        StringBuilder text = new StringBuilder("A teammate attached the following file(s). Read them with the Read tool before answering:\n");
        files.forEach(f -> text.append("- ").append(f.toAbsolutePath()).append('\n'));
        text.append('\n').append(question.isBlank() ? "Please review the attached file(s) and summarise the key points." : question);
        return text.toString();
    }

    /**
     * The outbox instruction as part of a turn's own message: claude drops {@code --append-system-prompt} on a
     * resumed session, so a fork would otherwise never hear of its outbox after the first turn.
     */
    public static String withOutbox(String message, Path outbox) {
        return message + "\n\n(" + outboxInstruction(outbox) + ")";
    }

    /** What every relayed prompt starts with: fixed text, so no colleague's words can open it (a {@code /command}). */
    public static final String RELAYED = "Relayed message — ";

    /** Longest display name put into a prompt, in code points. */
    static final int MAX_NAME = 64;

    /**
     * {@code "Relayed message — <sender> (via <platform>) says:\n<question>"}. The sender is a display name the
     * colleague chose: made one line, without a leading {@code /}, capped ({@link #displayName}).
     */
    public static String relayed(String sender, String platform, String question) {
        return RELAYED + displayName(sender) + " (via " + platform + ") says:\n" + question;
    }

    /** A question from {@code agent-tunnel ask}, under the same fixed opening as a relayed one. */
    public static String fromTerminal(String question) {
        return RELAYED + "asked from a terminal (agent-tunnel ask):\n" + question;
    }

    /**
     * A display name as it may stand in a prompt: control characters and line breaks become spaces, runs of space
     * one, leading {@code /} and spaces go, at most {@link #MAX_NAME} code points; nothing left is "A teammate".
     */
    public static String displayName(String raw) {
        if (raw == null) {
            return "A teammate";
        }
        StringBuilder clean = new StringBuilder();
        raw.codePoints().forEach(cp -> clean.appendCodePoint(Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                || cp == 0x2028 || cp == 0x2029 ? ' ' : cp));
        String name = clean.toString().replaceAll("\\s+", " ").strip().replaceFirst("^[/\\s]+", "");
        if (name.codePointCount(0, name.length()) > MAX_NAME) {
            name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME)).strip();
        }
        return name.isEmpty() ? "A teammate" : name;
    }
}
