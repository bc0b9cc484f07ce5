package dev.agenttunnel.tmux;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One window this daemon launched a fork in: the launch token its hook events carry, tmux's ids for it, the claude
 * flags it was started with (a turn that needs other flags must relaunch), the fork's session id and transcript once
 * claude reports them, and the turn it is serving. Events arrive on the inbox and control-client threads.
 */
final class ForkWindow {
    final String token;
    final String name;
    final List<String> signature;
    private volatile String windowId = "";
    private volatile String paneId = "";
    private volatile Optional<ProcessHandle> claude = Optional.empty();
    private volatile String forkId;
    private volatile TranscriptTail transcript;
    private volatile boolean ended;
    private volatile TmuxTurn turn;

    ForkWindow(String token, String name, List<String> signature, String knownForkId) {
        this.token = token;
        this.name = name;
        this.signature = List.copyOf(signature);
        this.forkId = knownForkId;
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

    void serve(TmuxTurn next) {
        turn = next;
    }

    boolean serving(TmuxTurn candidate) {
        return turn == candidate;
    }

    void hook(HookInbox.Event event) {
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
        TmuxTurn current = turn;
        if (current != null) {
            current.hook(event);
        }
    }

    void output() {
        TmuxTurn current = turn;
        if (current != null) {
            current.output();
        }
    }

    void closed(boolean serverGone) {
        ended = true;
        TmuxTurn current = turn;
        if (current != null) {
            current.windowClosed(serverGone);
        }
    }
}
