package dev.agenttunnel.tmux;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One window a {@link TmuxSession} launched its fork in: the launch token its hook events carry, tmux's ids for it,
 * the claude flags it was started with (a turn that needs other flags must relaunch), and the fork's session id and
 * transcript once claude reports them. Confined to its session actor.
 */
final class ForkWindow {
    final String token;
    /** The window's name; it changes when the thread's handle is renamed (tmux's id for it does not). */
    String name;
    final List<String> signature;
    private String windowId = "";
    private String paneId = "";
    private Optional<ProcessHandle> claude = Optional.empty();
    private String forkId;
    private TranscriptTail transcript;
    private boolean ended;

    ForkWindow(String token, String name, List<String> signature, String knownForkId) {
        this.token = token;
        this.name = name;
        this.signature = List.copyOf(signature);
        this.forkId = knownForkId;
    }

    void rename(String newName) {
        name = newName;
    }

    void placed(TmuxServer.Window window) {
        windowId = window.id();
        paneId = window.paneId();
        // Taken now, the handle carries the process's start time, so it can never stand for a later process that
        // reuses the pid.
        claude = ProcessHandle.of(window.panePid());
    }

    /** The pane's process: claude itself, which the launch script {@code exec}s (empty before the window exists). */
    Optional<ProcessHandle> claude() {
        return claude;
    }

    String windowId() {
        return windowId;
    }

    String paneId() {
        return paneId;
    }

    /** The fork's session id, once claude has reported it (null before). */
    String forkId() {
        return forkId;
    }

    TranscriptTail transcript() {
        return transcript;
    }

    /** Claude ended in this window, or the window closed: it can serve no more turns. */
    boolean ended() {
        return ended;
    }

    void end() {
        ended = true;
    }

    /** Notes what a hook event of this window says about the fork: its session id and transcript, or its exit. */
    void noteHook(HookInbox.Event event) {
        String session = event.field("session_id");
        if (!session.isEmpty()) {
            forkId = session;
        }
        String path = event.field("transcript_path");
        if (!path.isEmpty() && (transcript == null || !transcript.file().equals(Path.of(path)))) {
            transcript = new TranscriptTail(Path.of(path));
        }
        if (event.name().equals("exit")) {
            ended = true;
        }
    }
}
