package dev.agenttunnel.core.claude;

import java.nio.file.Path;

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

    /** {@code "<sender> (via <platform>) says:\n<question>"}; a blank sender becomes "A teammate". */
    public static String relayed(String sender, String platform, String question) {
        String who = sender == null || sender.isBlank() ? "A teammate" : sender.strip();
        return who + " (via " + platform + ") says:\n" + question;
    }
}
