package dev.agenttunnel.app;

/** The exit codes of every {@code agent-tunnel} command, one per class of failure. */
public final class ExitCodes {
    /** It worked. */
    public static final int OK = 0;
    /** A request we refuse or cannot find: unknown or revoked handle, refused access level, file exists. */
    public static final int REFUSED = 1;
    /** The command line itself is wrong: unknown option, missing argument. */
    public static final int USAGE = 2;
    /** A file we read is unusable: config.toml, registry.json or state.json. */
    public static final int BAD_FILE = 3;
    /** claude failed: missing, crashed, reported an error, or timed out. */
    public static final int CLAUDE_FAILED = 4;
    /** serve cannot use Discord: the token was rejected, Discord is unreachable, or the bot lacks an intent it needs. */
    public static final int DISCORD_FAILED = 5;
    /** Another serve already runs on the same state folder. */
    public static final int ALREADY_RUNNING = 6;
    /** Interrupted (Ctrl-C). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
