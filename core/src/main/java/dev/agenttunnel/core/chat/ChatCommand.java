package dev.agenttunnel.core.chat;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a colleague's message asks the bridge to do, read from its text alone (pure functions). */
public sealed interface ChatCommand {
    /** {@code !list} / {@code !handles}: show the live handles. */
    record ListHandles() implements ChatCommand {
    }

    /** {@code !done} / {@code !close} / {@code !end}: close this thread's fork. */
    record Close() implements ChatCommand {
    }

    /** A first word that may be a handle, and the rest of the message (the question, possibly empty). */
    record HandleWord(String handle, String rest) implements ChatCommand {
    }

    /** Text for the thread's fork (a leading mention of the bot already removed). */
    record Text(String text) implements ChatCommand {
    }

    /** Side chat between people in a thread (it starts by mentioning someone else): not for the bot. */
    record SideChat() implements ChatCommand {
    }

    Set<String> LIST = Set.of("!list", "!handles");
    Set<String> CLOSE = Set.of("!done", "!close", "!end");
    Pattern LEADING_MENTION = Pattern.compile("^<@([!&]?)(\\d+)>\\s*");

    /** A message in a watched channel: {@code !list}, or {@code <handle> <question>}. */
    static ChatCommand inChannel(String content) {
        String text = content.strip();
        if (LIST.contains(normalised(text))) {
            return new ListHandles();
        }
        int space = indexOfWhitespace(text);
        String first = space < 0 ? text : text.substring(0, space);
        String rest = space < 0 ? "" : text.substring(space).strip();
        return new HandleWord(first.strip().toLowerCase(Locale.ROOT), rest);
    }

    /** A message in a thread the bridge opened. */
    static ChatCommand inThread(String content, String botUserId) {
        String text = content.strip();
        if (text.startsWith("@everyone") || text.startsWith("@here")) {
            return new SideChat();
        }
        Matcher mention = LEADING_MENTION.matcher(text);
        if (mention.find()) {
            boolean bot = mention.group(1).isEmpty() || mention.group(1).equals("!");
            if (!bot || !mention.group(2).equals(botUserId)) {
                return new SideChat();
            }
            text = text.substring(mention.end()).strip();
        }
        String command = normalised(text);
        if (LIST.contains(command)) {
            return new ListHandles();
        }
        if (CLOSE.contains(command)) {
            return new Close();
        }
        return new Text(text);
    }

    private static String normalised(String text) {
        return text.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
