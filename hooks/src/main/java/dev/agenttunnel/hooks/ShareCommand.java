package dev.agenttunnel.hooks;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Handles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** What the owner typed after {@code >share}, parsed. A pure function of the prompt text. */
public sealed interface ShareCommand {
    String TRIGGER = ">share";
    String OPTIONS = "--read/-r, --write/-w, --dangerously-allow-bash, --dangerously-skip-permissions";

    /** Publish (or relabel, or change the level of) this session. Empty level keeps the current one. */
    record Publish(Optional<String> label, Optional<AccessLevel> level) implements ShareCommand {
    }

    /** Show this session's live handle. */
    record Status() implements ShareCommand {
    }

    /** Revoke this session's live handle. */
    record Off() implements ShareCommand {
    }

    /** A {@code >share} we cannot act on; {@code reason} says what to type instead. Nothing changes. */
    record Invalid(String reason) implements ShareCommand {
    }

    /** Empty when the prompt is not a {@code >share} command at all (it then goes to the model as usual). */
    static Optional<ShareCommand> parse(String prompt) {
        if (prompt == null) {
            return Optional.empty();
        }
        String stripped = prompt.strip();
        String lowered = stripped.toLowerCase(Locale.ROOT);
        if (!lowered.equals(TRIGGER) && !lowered.startsWith(TRIGGER + " ")) {
            return Optional.empty();
        }
        String argument = stripped.substring(TRIGGER.length()).strip();
        if (argument.equalsIgnoreCase("off")) {
            return Optional.of(new Off());
        }
        if (argument.equalsIgnoreCase("status")) {
            return Optional.of(new Status());
        }
        return Optional.of(parsePublish(argument));
    }

    private static ShareCommand parsePublish(String argument) {
        Optional<AccessLevel> level = Optional.empty();
        List<String> words = new ArrayList<>();
        for (String token : Words.split(argument)) {
            Optional<AccessLevel> flag = flagLevel(token);
            if (flag.isPresent()) {
                level = level.isEmpty() || flag.get().compareTo(level.get()) > 0 ? flag : level;
            } else if (token.startsWith("-")) {
                return new Invalid("Unknown option `" + token + "` for >share. Options: " + OPTIONS
                        + ". Example: `>share --write payments`.");
            } else {
                words.add(token);
            }
        }
        if (words.size() > 1) {
            String suggestion = Handles.sanitise(String.join("-", words)).orElse("my-handle");
            return new Invalid("A handle is a single word, but got `" + String.join(" ", words) + "`. "
                    + "Try `>share " + suggestion + "`.");
        }
        if (words.isEmpty()) {
            return new Publish(Optional.empty(), level);
        }
        String label = words.getFirst();
        Optional<String> handle = Handles.sanitise(label);
        if (handle.isEmpty()) {
            return new Invalid("Invalid handle `" + label + "`: use " + Handles.RULE + ". Example: `>share payments`.");
        }
        return new Publish(Optional.of(label), level);
    }

    private static Optional<AccessLevel> flagLevel(String token) {
        return Optional.ofNullable(switch (token) {
            case "--read", "-r" -> AccessLevel.READ;
            case "--write", "-w" -> AccessLevel.WRITE;
            case "--dangerously-allow-bash" -> AccessLevel.BASH;
            case "--dangerously-skip-permissions" -> AccessLevel.ALL;
            default -> null;
        });
    }

    /** Splitting on any Unicode whitespace, as Python's {@code str.split()} does. */
    final class Words {
        private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

        private Words() {
        }

        static List<String> split(String text) {
            String stripped = text.strip();
            return stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
        }
    }
}
