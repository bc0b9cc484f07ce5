package dev.agenttunnel.core.chat;

import dev.agenttunnel.core.registry.RegistryRecord;
import java.nio.file.Path;
import java.util.List;

/** What the bridge says in chat, in one place (pure functions; the tokens users rely on are kept). */
public final class BridgeTexts {
    private static final int LIST_LIMIT = 1900;
    private static final int THREAD_NAME_LIMIT = 90;
    /** How many live handles a "no live session" answer names. */
    public static final int LIVE_NAMED = 10;

    private BridgeTexts() {
    }

    /** The {@code !list} answer: live handles, newest first, cut to 1900 characters. */
    public static String handleList(List<RegistryRecord> live) {
        if (live.isEmpty()) {
            return "Nothing is shared right now. An owner publishes a session by typing `>share` in it.";
        }
        StringBuilder s = new StringBuilder("**Available handles** — ask with `<handle> your question`\n");
        for (RegistryRecord r : live) {
            s.append("• `").append(r.handle()).append('`');
            if (!r.label().isEmpty() && !r.label().equals(r.handle())) {
                s.append(" (").append(r.label()).append(')');
            }
            Path name = r.cwd().isEmpty() ? null : Path.of(r.cwd()).getFileName();
            if (name != null) {
                s.append(" — ").append(name);
            }
            s.append('\n');
        }
        String text = s.toString().strip();
        return text.length() <= LIST_LIMIT ? text : text.substring(0, LIST_LIMIT);
    }

    public static String threadName(RegistryRecord r, String question) {
        String base = r.displayName();
        String name = question.isBlank() ? base : base + ": " + question.replaceAll("\\s+", " ").strip();
        return name.codePointCount(0, name.length()) <= THREAD_NAME_LIMIT ? name
                : name.substring(0, name.offsetByCodePoints(0, THREAD_NAME_LIMIT));
    }

    /**
     * The answer to a message that names no live handle: why ({@code revoked}: its owner stopped sharing it), the
     * handle it was probably meant to be, and the live handles to choose from (at most {@link #LIVE_NAMED}).
     */
    public static String noLiveSession(String handle, boolean revoked, java.util.Optional<String> meant, List<RegistryRecord> live) {
        StringBuilder s = new StringBuilder("No live session for handle `").append(handle).append("`")
                .append(revoked ? ": its owner stopped sharing it." : ".");
        if (meant.isPresent()) {
            s.append(" Did you mean `").append(meant.get()).append("`?");
        } else if (!revoked) {
            s.append(" Its owner has to `>share` it first.");
        }
        if (live.isEmpty()) {
            s.append(" Nothing is shared right now; an owner publishes a session by typing `>share` in it.");
        } else {
            s.append(" Live handles: ");
            s.append(String.join(", ", live.stream().limit(LIVE_NAMED).map(r -> "`" + r.handle() + "`").toList()));
            s.append(live.size() > LIVE_NAMED ? " and " + (live.size() - LIVE_NAMED) + " more (`!list`)" : "");
            s.append(". Ask with `<handle> your question`.");
        }
        String text = s.toString();
        return text.length() <= LIST_LIMIT ? text : text.substring(0, LIST_LIMIT);
    }

    /**
     * A message in a thread whose conversation was closed ({@code !done}, {@code forget}): nothing there reaches a fork,
     * and a new question goes in the channel ({@code channelId}, when known).
     */
    public static String threadClosed(String channelId) {
        return "This thread is closed, so nothing said here reaches a fork any more. To ask again, post `<handle> your question` in "
                + (channelId.isEmpty() ? "the channel" : "<#" + channelId + ">")
                + ": that opens a new thread with a fresh fork (`!list` shows the handles).";
    }

    /** A colleague who has too many questions waiting out the cooldown already: this one is not kept. */
    public static String tooManyWaiting(long seconds) {
        return "⏳ You have several questions waiting already (one is taken every " + seconds + " s); this one was not kept. "
                + "Send it again once they are answered.";
    }

    public static String connected(RegistryRecord r) {
        return "Connected to **" + r.displayName() + "**. Ask your questions in this thread and keep follow-ups here; `!done` closes it.";
    }

    public static String queued() {
        return "⏳ Still working on the previous question here; this one comes next.";
    }

    public static String failed(String message) {
        String text = "⚠️ " + message;
        return text.length() <= 1500 ? text : text.substring(0, 1500) + "…";
    }

    /**
     * A session the turn needed is gone from the owner's machine: said without paths or ids (those are the owner's, in
     * the log and in {@code agent-tunnel doctor}).
     */
    public static String sessionGone(boolean fork) {
        return fork
                ? "⚠️ This thread's fork is gone from its owner's machine (its conversation was deleted or moved), so it cannot "
                        + "go on. Say `!done`, then post the handle in the channel to start a fresh thread."
                : "⚠️ The session behind this handle is gone from its owner's machine (its conversation was deleted or moved), "
                        + "so no fork of it can start. Its owner can publish a live session with `>share`; `!list` shows what "
                        + "is shared.";
    }

    public static String unexpected() {
        return "⚠️ Unexpected error while answering. The owner can find the details in the agent-tunnel logs.";
    }

    public static String closed() {
        return "✅ Closed: this thread's fork is stopped and its files are cleaned up. Post the handle in the channel to start a fresh thread.";
    }

    public static String forgotten() {
        return "↪️ This thread is closed (its fork was forgotten). Post the handle in the channel to start a fresh thread.";
    }

    public static String restarted() {
        return "↪️ This conversation was restarted before your message was reached; please send it again.";
    }

    public static String shuttingDown() {
        return "↪️ agent-tunnel is shutting down for a moment: this question stays queued and is answered once it is back.";
    }

    /** The files of a message that were not taken, each with why. */
    public static String skipped(List<String> files) {
        return cut("⚠️ Skipped: " + String.join(", ", files));
    }

    /** Office files no converter could open. */
    public static String unreadable(List<String> files, String why) {
        return cut("⚠️ Couldn't open " + String.join(", ", files) + " here (" + why + "). Please attach a PDF, or paste the text.");
    }

    public static String nothingToActOn() {
        return "⚠️ Nothing to act on: there is no question and no file that could be read. Ask a question, or attach a smaller or readable file.";
    }

    /** The caption of the first (or a later) message of deliverables. */
    public static String deliverables(boolean first) {
        return first ? "📎 Deliverable(s) from the agent:" : "📎 More deliverables:";
    }

    public static String tooLargeToPost(List<String> files) {
        return cut("⚠️ Produced but too large to post (raise limits.max_deliverable_mb): " + String.join(", ", files));
    }

    /** Outbox entries that are not plain files of the outbox (links, FIFOs, …): named, never posted. */
    public static String notPosted(List<String> entries) {
        return cut("⚠️ Not posted — only plain files saved in the outbox are delivered: " + String.join(", ", entries));
    }

    private static String cut(String text) {
        return text.length() <= LIST_LIMIT ? text : text.substring(0, LIST_LIMIT) + "…";
    }

    public static String busy() {
        return "⏳ agent-tunnel is busy right now and could not take this message. Please send it again in a moment.";
    }
}
