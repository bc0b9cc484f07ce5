package dev.agenttunnel.tmux;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognises the screens that stop an interactive claude before its session starts (dialogs, and the error it prints
 * before exiting when the session to resume is gone), and says what to do about each one. Observed with claude 2.1.328: all of them appear before the {@code SessionStart} hook runs, and the modal ones
 * end with "Enter to confirm". Only the bottom of the screen is read, so a resumed conversation that merely
 * <em>talks</em> about these dialogs (it is drawn above the input box) is never mistaken for one.
 */
final class BlockingScreens {
    private static final int DIALOG_FOOTER = 3;
    private static final int DIALOG_BODY = 16;
    private static final int ONBOARDING_BODY = 30;

    private BlockingScreens() {
    }

    /** What blocks claude on this screen, worded for the person who asked; empty when nothing recognisable does. */
    static Optional<String> detect(String screen, Path project) {
        List<String> lines = nonBlankLines(screen);
        String footer = lower(tail(lines, DIALOG_FOOTER));
        String body = lower(tail(lines, DIALOG_BODY));
        if (footer.contains("enter to confirm")) {
            if (body.contains("trust this folder") || body.contains("do you trust") || body.contains("trust the files")) {
                return Optional.of("claude stopped at its folder-trust dialog for " + project + ", so the question was "
                        + "not asked. agent-tunnel pre-trusts the folder when `auto_trust = true` under [claude]; turn it "
                        + "on, or open claude once in that folder and accept the dialog.");
            }
            if (body.contains("detected a custom api key")) {
                return Optional.of("claude stopped to ask whether to use the ANTHROPIC_API_KEY in its environment, so the "
                        + "question was not asked. Keep `unset_api_key = true` under [claude] (the default), or approve "
                        + "the key once in an interactive claude.");
            }
            return Optional.of("claude is waiting for an answer to a dialog before it starts, so the question was not "
                    + "asked. Open claude once in " + project + " and answer it. The dialog ends:\n" + tail(lines, DIALOG_BODY));
        }
        String onboarding = lower(tail(lines, ONBOARDING_BODY));
        if (footer.contains("syntax theme") && onboarding.contains("choose the text style") || body.contains("select login method")) {
            return Optional.of("claude has not been set up for this config dir yet (its first-run setup is showing), "
                    + "so the question was not asked. Run `claude` once as the owner, finish the setup and log in.");
        }
        String bottom = lower(tail(lines, 8));
        Optional<String> missing = missingLine(lines);
        if (missing.isPresent()) {
            // claude prints this and exits, but 2.1.328 sometimes hangs in its exit: do not wait for the exit to be seen
            return Optional.of("claude could not find the conversation it should resume (\"" + missing.get().strip()
                    + "\"): its transcript was deleted or moved. Close this conversation and start a new one.");
        }
        if (bottom.contains("unable to connect to anthropic services")) {
            return Optional.of("claude could not reach Anthropic's services at start, so the question was not asked. "
                    + "Check the network, then ask again.");
        }
        return Optional.empty();
    }

    /**
     * The id of the session claude was told to resume, when the screen's bottom says it has no conversation under it
     * ("No conversation found with session ID: …", printed before it exits): that session's transcript is gone.
     */
    static Optional<String> missingSession(String screen) {
        return missingLine(nonBlankLines(screen)).flatMap(dev.agenttunnel.core.registry.SessionTranscripts::missingSession);
    }

    private static Optional<String> missingLine(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 8), lines.size()).stream()
                .filter(line -> lower(line).contains("no conversation found with session id")).findFirst();
    }

    /** The last {@code count} non-blank lines of a screen, for messages. */
    static String lastLines(String screen, int count) {
        return tail(nonBlankLines(screen), count);
    }

    private static List<String> nonBlankLines(String screen) {
        List<String> lines = new ArrayList<>();
        for (String line : screen.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.stripTrailing());
            }
        }
        return lines;
    }

    private static String tail(List<String> lines, int count) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
