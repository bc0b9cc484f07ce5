package dev.agenttunnel.actors;

import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.chat.BridgeTexts;
import dev.agenttunnel.core.chat.ChatCommand;
import dev.agenttunnel.core.chat.ChatEvent;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.store.QuestionJournal;
import dev.agenttunnel.core.store.ThreadRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The router of colleague messages, one per daemon: opens a thread when a watched channel's message names a live
 * handle, answers {@code !list}, and hands everything said in a bound thread to that thread's
 * {@link Conversation} (one child per thread, watched; recreated from {@code state.json} after a restart).
 * Enforces the allowlists and the per-user cooldown; ignores bots, side chat and threads it did not open.
 *
 * <p>A colleague is never left in silence: a message within their cooldown gets ⏳ and waits for it to pass (one per
 * cooldown, in order); a question to a handle that is not live — a revoked one, or a typo of a live one — is told so,
 * with the live handles; a message in a thread it opened and that was closed since is told how to start a new one.
 * Plain chatter in the channel (a first word that is no handle, nor close to one) stays unanswered.
 */
public final class Conversations extends AbstractBehavior<Conversations.Command> {
    public sealed interface Command {
    }

    /** A message seen in the chat. */
    public record Inbound(ChatEvent event) implements Command {
    }

    /**
     * At start-up: the questions a previous run accepted and did not finish ({@link QuestionJournal}). Each is answered
     * once, in order: an answer claude already gave is posted; any other question is asked again.
     */
    public record Replay(List<QuestionJournal.Pending> owed) implements Command {
    }

    private record Journaled(ChatEvent event, Throwable failure) implements Command {
    }

    private record OwedAnswerRecorded(String threadKey, Throwable failure) implements Command {
    }

    private record ReplayedOpener(ChatEvent event, ChatCommand.HandleWord word, Optional<ThreadRecord> binding, Throwable failure)
            implements Command {
    }

    /**
     * At start-up, after {@link Replay}: reads what was said while the bridge was down in every watched channel and
     * bound thread, after the last message it saw there ({@code marks}), and handles what it missed, in order, once.
     * {@code owed} are the questions the journal answers already.
     */
    public record CatchUp(Map<String, String> marks, java.util.Set<String> owed) implements Command {
    }

    private record Missed(String channelId, List<ChatEvent> said, java.util.Set<String> owed, Throwable failure) implements Command {
    }

    private record MissedOpener(ChatEvent event, Boolean threadExists, Throwable failure) implements Command {
    }

    private record CatchUpFrom(Map<String, String> from, java.util.Set<String> owed, Throwable failure) implements Command {
    }

    private enum FlushMarks implements Command { INSTANCE }

    private record MarksFlushed(Throwable failure) implements Command {
    }

    /** How often the last-seen marks go to disk (only when something new was seen). */
    private static final java.time.Duration MARKS_EVERY = java.time.Duration.ofSeconds(5);
    /** At most this many missed messages are read per channel. */
    private static final int CATCH_UP_LIMIT = 100;

    /** Shutdown: abort every conversation (each tells its thread {@code why}); {@code replyTo} hears when all stopped. */
    public record AbortAll(String why, ActorRef<Done> replyTo) implements Command {
    }

    private record Looked(ChatEvent event, ChatCommand.HandleWord word, Map<String, RegistryRecord> records, Throwable failure)
            implements Command {
    }

    /** The cooldown of {@code userId} may be over: the first of their held-back messages goes on. */
    private record ReleaseHeld(String userId) implements Command {
    }

    private record Listed(String channelId, List<RegistryRecord> live, Throwable failure) implements Command {
    }

    private record ThreadOpened(ChatEvent event, RegistryRecord record, String question, String threadId, Throwable failure)
            implements Command {
    }

    private record Bound(ChatEvent event, RegistryRecord record, String question, String threadId, ThreadRecord binding,
            Throwable failure) implements Command {
    }

    private record Restored(String threadKey, Optional<ThreadRecord> binding, Throwable failure) implements Command {
    }

    private record ChildStopped(String threadKey, ActorRef<Conversation.Command> child) implements Command {
    }

    private record DmLooked(ChatEvent event, ChatCommand.HandleWord word, Optional<RegistryRecord> record, Throwable failure)
            implements Command {
    }

    private record DmRebound(ChatEvent event, RegistryRecord record, String question, ThreadRecord binding, Throwable failure)
            implements Command {
    }

    private record DmRestored(ChatEvent event, Optional<ThreadRecord> binding, Throwable failure) implements Command {
    }

    /** Held-back messages a user may have waiting out their cooldown; more are refused with a notice. */
    static final int HELD_PER_USER = 5;
    /** A closed thread is told it is closed at most this often (it stays visible above). */
    private static final long CLOSED_NOTICE_EVERY_MS = 10 * 60 * 1000;

    private final BridgeDeps deps;
    private final TimerScheduler<Command> timers;
    private final ActorRef<TurnPermits.Command> permits;
    private final ActorRef<Reaper.Command> reaper;
    private final ActorRef<WarmPool.Command> warmPool;
    private final Map<String, ActorRef<Conversation.Command>> children = new HashMap<>();
    private final Map<String, List<ChatEvent>> restoring = new HashMap<>();
    /**
     * Threads being opened (from the moment we ask Discord for one until its binding is written), with what was said in
     * them meanwhile: a follow-up sent the moment a thread appears waits for its conversation instead of meeting no
     * binding. Discord gives a thread opened from a message that message's id, so the key is known before the thread
     * exists.
     */
    private final Map<String, List<ChatEvent>> opening = new HashMap<>();
    /** Questions being asked again from the journal: no cooldown for them, and journaled already. */
    private final java.util.Set<String> replaying = new java.util.HashSet<>();
    /** What the journal still owes, handed out in order by {@link #replayNext}. */
    private final java.util.ArrayDeque<QuestionJournal.Pending> owedQueue = new java.util.ArrayDeque<>();
    /** Messages handled late, by the catch-up: no cooldown holds them back (they waited long enough). */
    private final java.util.Set<String> catchingUp = new java.util.HashSet<>();
    /** The last message seen in each channel, thread and DM; {@code marksDirty} when not yet on disk. */
    private final Map<String, String> lastSeen = new HashMap<>();
    private boolean marksDirty;
    private final Map<String, Long> lastAccepted = new HashMap<>();
    /** Per user, the messages waiting out their cooldown, oldest first. */
    private final Map<String, Deque<ChatEvent>> held = new HashMap<>();
    /** Ids of held messages let go, on their way through the routing again (they go first, not to the back). */
    private final Set<String> released = new HashSet<>();
    /** Closed threads told so, and when. */
    private final Map<String, Long> toldClosed = new HashMap<>();
    /** Threads whose conversation was told to close ({@code !done}) and has not stopped yet. */
    private final Set<String> closing = new HashSet<>();
    private final List<ActorRef<Done>> abortWaiters = new ArrayList<>();
    private String abortReason;
    private long spawned;

    private Conversations(ActorContext<Command> context, TimerScheduler<Command> timers, BridgeDeps deps,
            ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper, ActorRef<WarmPool.Command> warmPool) {
        super(context);
        this.deps = deps;
        this.timers = timers;
        this.permits = permits;
        this.reaper = reaper;
        this.warmPool = warmPool;
    }

    public static Behavior<Command> create(BridgeDeps deps, ActorRef<TurnPermits.Command> permits, ActorRef<Reaper.Command> reaper,
            ActorRef<WarmPool.Command> warmPool) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(FlushMarks.INSTANCE, MARKS_EVERY);
            return new Conversations(context, timers, deps, permits, reaper, warmPool);
        }));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Inbound.class, this::onInbound)
                .onMessage(Looked.class, this::onLooked)
                .onMessage(Listed.class, this::onListed)
                .onMessage(ThreadOpened.class, this::onThreadOpened)
                .onMessage(Bound.class, this::onBound)
                .onMessage(Restored.class, this::onRestored)
                .onMessage(ChildStopped.class, this::onChildStopped)
                .onMessage(AbortAll.class, this::onAbortAll)
                .onMessage(Replay.class, this::onReplay)
                .onMessage(CatchUp.class, this::onCatchUp)
                .onMessage(CatchUpFrom.class, this::onCatchUpFrom)
                .onMessage(Missed.class, this::onMissed)
                .onMessage(MissedOpener.class, this::onMissedOpener)
                .onMessage(FlushMarks.class, f -> onFlushMarks())
                .onMessage(MarksFlushed.class, this::onMarksFlushed)
                .onMessage(ReplayedOpener.class, this::onReplayedOpener)
                .onMessage(Journaled.class, this::onJournaled)
                .onMessage(OwedAnswerRecorded.class, this::onOwedAnswerRecorded)
                .onMessage(DmLooked.class, this::onDmLooked)
                .onMessage(DmRebound.class, this::onDmRebound)
                .onMessage(DmRestored.class, this::onDmRestored)
                .onMessage(ReleaseHeld.class, this::onReleaseHeld)
                .build();
    }

    private Behavior<Command> onInbound(Inbound inbound) {
        ChatEvent e = inbound.event();
        seen(e);
        if (abortReason != null || e.author().bot() || e.author().id().equals(deps.botUserId())
                || (e.content().isBlank() && e.attachments().isEmpty())) {
            return this;
        }
        return switch (e.kind()) {
            case THREAD -> onThreadMessage(e);
            case TEXT_CHANNEL -> watched(e) ? onChannelMessage(e) : this;
            case DIRECT_MESSAGE -> deps.settings().discord().respondToDms() ? onDirectMessage(e) : this;
            case OTHER -> this;
        };
    }

    private boolean watched(ChatEvent e) {
        return deps.settings().discord().channelIds().stream().anyMatch(id -> String.valueOf(id).equals(e.channelId()));
    }

    private Behavior<Command> onChannelMessage(ChatEvent e) {
        handleWord(e).ifPresent(word ->
                io(() -> deps.registry().all(), (records, failure) -> new Looked(e, word, records, failure)));
        return this;
    }

    /**
     * A channel or DM message from an allowed author, read as {@code <handle> <rest>}; {@code !list} is answered
     * here. Empty when nothing more is to be done.
     */
    private Optional<ChatCommand.HandleWord> handleWord(ChatEvent e) {
        if (!Allowlist.allows(deps.settings().discord(), e.author())) {
            return Optional.empty();
        }
        ChatCommand command = ChatCommand.inChannel(e.content());
        if (command instanceof ChatCommand.ListHandles) {
            list(e.channelId());
            return Optional.empty();
        }
        return Optional.of((ChatCommand.HandleWord) command);
    }

    private Behavior<Command> onLooked(Looked looked) {
        ChatEvent e = looked.event();
        if (looked.failure() != null) {
            getContext().getLog().error("Registry lookup failed for {}", looked.word().handle(), looked.failure());
            deps.chat().reply(e.channelId(), e.messageId(), BridgeTexts.failed("agent-tunnel cannot read its registry; the owner can see why in its logs."));
            return this;
        }
        RegistryRecord record = looked.records().get(looked.word().handle());
        if (record == null || record.revoked()) {
            answerNoLiveSession(e, looked.word(), record, looked.records());
            return this;
        }
        String question = looked.word().rest();
        // An opener is held to the cooldown like a follow-up, or one user could open threads (and turns) without limit.
        if (heldBack(e)) {
            return this;
        }
        if (asks(question, e)) {
            lastAccepted.put(e.author().id(), deps.clock().millis());
            accept(e);
        }
        opening.put(threadKey(e.messageId()), new ArrayList<>());
        getContext().pipeToSelf(deps.chat().openThread(e.channelId(), e.messageId(), BridgeTexts.threadName(record, question)),
                (threadId, failure) -> new ThreadOpened(e, record, question, threadId, failure));
        return this;
    }

    /**
     * A channel message whose first word is no live handle. It is answered (with the live handles) only when it is
     * meant for the bridge: a handle alone, a handle that was shared and revoked, or a near miss of a live handle
     * (a typo). Anything else is ordinary chatter and stays unanswered.
     */
    private void answerNoLiveSession(ChatEvent e, ChatCommand.HandleWord word, RegistryRecord known, Map<String, RegistryRecord> all) {
        if (!Handles.isValid(word.handle())) {
            return;
        }
        List<RegistryRecord> live = all.values().stream().filter(RegistryRecord::live)
                .sorted(java.util.Comparator.comparingDouble(RegistryRecord::createdAt).reversed()).toList();
        boolean revoked = known != null;
        Optional<String> meant = Handles.closest(word.handle(), live.stream().map(RegistryRecord::handle).toList());
        if (word.rest().isEmpty() || revoked || meant.isPresent()) {
            getContext().getLog().info("No live session for handle {} (asked by {}{})", word.handle(), e.author().displayName(),
                    revoked ? "; it was revoked" : meant.map(h -> "; meant " + h + "?").orElse(""));
            deps.chat().reply(e.channelId(), e.messageId(), BridgeTexts.noLiveSession(word.handle(), revoked, meant, live));
        }
    }

    private Behavior<Command> onThreadOpened(ThreadOpened opened) {
        List<ChatEvent> said = opening.remove(threadKey(opened.event().messageId()));
        if (opened.failure() != null) {
            getContext().getLog().error("Could not open a thread for handle {}", opened.record().handle(), opened.failure());
            deps.chat().reply(opened.event().channelId(), opened.event().messageId(),
                    BridgeTexts.failed("Could not open a thread here: " + opened.failure().getMessage()));
            return this;
        }
        RegistryRecord r = opened.record();
        String key = threadKey(opened.threadId());
        opening.put(key, said == null ? new ArrayList<>() : said); // a front-end whose thread ids are new ones moves it
        getContext().getLog().info("Opened thread for handle {} (session {}) asked by {}", r.handle(),
                r.sessionId().substring(0, Math.min(8, r.sessionId().length())), opened.event().author().displayName());
        io(() -> deps.store().bind(key, r.handle(), r.sessionId(), r.cwd(), deps.settings().tunnel().backend(), r.configDir(),
                        r.access(), opened.event().author().displayName()),
                (binding, failure) -> new Bound(opened.event(), r, opened.question(), opened.threadId(), binding, failure));
        return this;
    }

    private Behavior<Command> onBound(Bound bound) {
        String key = threadKey(bound.threadId());
        List<ChatEvent> said = opening.remove(key);
        if (bound.failure() != null) {
            getContext().getLog().error("Could not bind thread {}{}", bound.threadId(),
                    said == null || said.isEmpty() ? "" : " (" + said.size() + " message(s) in it are not answered)", bound.failure());
            deps.chat().post(bound.threadId(), BridgeTexts.failed("Could not record this thread: " + bound.failure().getMessage()), List.of());
            return this;
        }
        ActorRef<Conversation.Command> child = children.containsKey(key) ? children.get(key) : spawn(key, bound.threadId(), bound.binding());
        if (!asks(bound.question(), bound.event())) {
            deps.chat().post(bound.threadId(), BridgeTexts.connected(bound.record()), List.of());
        } else {
            child.tell(new Conversation.Ask(bound.event().messageId(), bound.event().author().displayName(), bound.question(),
                    bound.event().attachments()));
        }
        if (said != null) {
            said.forEach(e -> deliver(child, e));
        }
        return this;
    }

    private Behavior<Command> onThreadMessage(ChatEvent e) {
        String key = threadKey(e.channelId());
        if (children.containsKey(key)) {
            return deliver(children.get(key), e);
        }
        List<ChatEvent> beingOpened = opening.get(key);
        if (beingOpened != null) {
            beingOpened.add(e);
            return this;
        }
        List<ChatEvent> waiting = restoring.get(key);
        if (waiting != null) {
            waiting.add(e);
            return this;
        }
        restoring.put(key, new ArrayList<>(List.of(e)));
        io(() -> deps.store().get(key), (binding, failure) -> new Restored(key, binding, failure));
        return this;
    }

    private Behavior<Command> onRestored(Restored restored) {
        List<ChatEvent> waiting = restoring.remove(restored.threadKey());
        if (restored.failure() != null) {
            getContext().getLog().error("Could not read the binding of {}", restored.threadKey(), restored.failure());
            return this;
        }
        if (waiting == null) {
            return this;
        }
        if (restored.binding().isEmpty()) {
            waiting.stream().filter(this::addressedToUs).findFirst().ifPresent(e -> tellClosed(restored.threadKey(), e));
            return this;
        }
        ActorRef<Conversation.Command> child = spawn(restored.threadKey(), waiting.getFirst().channelId(), restored.binding().get());
        waiting.forEach(e -> deliver(child, e));
        return this;
    }

    /**
     * Whether a message in a thread without a binding was meant for us: the bridge opened the thread (so its
     * conversation was closed since) and the message is from an allowed colleague, not side chat.
     */
    private boolean addressedToUs(ChatEvent e) {
        return e.threadOwnerId().equals(deps.botUserId()) && Allowlist.allows(deps.settings().discord(), e.author())
                && !(ChatCommand.inThread(e.content(), deps.botUserId()) instanceof ChatCommand.SideChat);
    }

    /** Tells a closed thread so, and how to start anew, unless it was told a short while ago. */
    private void tellClosed(String threadKey, ChatEvent e) {
        long now = deps.clock().millis();
        Long told = toldClosed.get(threadKey);
        if (told != null && now - told < CLOSED_NOTICE_EVERY_MS) {
            return;
        }
        toldClosed.put(threadKey, now);
        getContext().getLog().info("Message in closed thread {} from {}: told it is closed", threadKey, e.author().displayName());
        deps.chat().post(e.channelId(), BridgeTexts.threadClosed(e.parentId()), List.of());
    }

    private Behavior<Command> deliver(ActorRef<Conversation.Command> child, ChatEvent e) {
        ChatCommand command = ChatCommand.inThread(e.content(), deps.botUserId());
        if (command instanceof ChatCommand.SideChat || !Allowlist.allows(deps.settings().discord(), e.author())) {
            return this;
        }
        if (command instanceof ChatCommand.ListHandles) {
            return list(e.channelId());
        }
        if (e.kind() == ChatEvent.ChannelKind.THREAD && closing.contains(threadKey(e.channelId()))) {
            if (addressedToUs(e)) {
                tellClosed(threadKey(e.channelId()), e);
            }
            return this;
        }
        if (command instanceof ChatCommand.Close) {
            if (e.kind() == ChatEvent.ChannelKind.THREAD) {
                closing.add(threadKey(e.channelId()));
            }
            child.tell(Conversation.Close.INSTANCE);
            return this;
        }
        String text = ((ChatCommand.Text) command).text();
        if (text.isBlank() && e.attachments().isEmpty()) {
            return this;
        }
        if (heldBack(e)) {
            return this;
        }
        lastAccepted.put(e.author().id(), deps.clock().millis());
        accept(e);
        child.tell(new Conversation.Ask(e.messageId(), e.author().displayName(), text, e.attachments()));
        return this;
    }

    /** Journals an accepted question (the durable inbox), then acknowledges it with 👀. */
    private void accept(ChatEvent e) {
        if (replaying.remove(e.messageId())) {
            return; // journaled by the run that first accepted it
        }
        getContext().pipeToSelf(deps.journal().accepted(e), (ok, failure) -> new Journaled(e, failure));
    }

    private Behavior<Command> onJournaled(Journaled journaled) {
        ChatEvent e = journaled.event();
        if (journaled.failure() != null) {
            getContext().getLog().error("Could not journal question {} in {}: it is answered now, but would be lost if serve "
                    + "stopped before that", e.messageId(), e.channelId(), journaled.failure());
            return this;
        }
        deps.chat().react(e.channelId(), e.messageId(), "👀");
        return this;
    }

    private Behavior<Command> onReplay(Replay replay) {
        owedQueue.addAll(replay.owed());
        return replayNext();
    }

    /**
     * The next owed question, in the order they came. A thread message goes on at once (the mailbox keeps the order);
     * an opener waits for its binding to be looked up before the ones after it go.
     */
    private Behavior<Command> replayNext() {
        QuestionJournal.Pending owed;
        while ((owed = owedQueue.poll()) != null) {
            ChatEvent e = owed.question();
            if (owed.answer().isPresent()) {
                postOwedAnswer(e, owed.answer().get());
            } else if (e.kind() == ChatEvent.ChannelKind.TEXT_CHANNEL) {
                replaying.add(e.messageId());
                if (ChatCommand.inChannel(e.content()) instanceof ChatCommand.HandleWord word) {
                    io(() -> deps.store().get(threadKey(e.messageId())), (binding, failure) -> new ReplayedOpener(e, word, binding, failure));
                    return this;
                }
            } else {
                replaying.add(e.messageId());
                getContext().getSelf().tell(new Inbound(e));
            }
        }
        return this;
    }

    /** claude answered before the stop but the answer never reached the thread: post it, do not ask again. */
    private void postOwedAnswer(ChatEvent e, QuestionJournal.Answer answer) {
        String channel = e.kind() == ChatEvent.ChannelKind.TEXT_CHANNEL ? e.messageId() : e.channelId();
        String key = e.kind() == ChatEvent.ChannelKind.DIRECT_MESSAGE ? dmKey(channel) : threadKey(channel);
        getContext().getLog().info("A [{}]: posting the answer claude gave before the last stop", key);
        AnswerPoster.post(deps.chat(), channel, answer.text(), deps.settings().limits().maxInlineChars())
                .thenCompose(ok -> deps.journal().done(e.messageId()));
        io(() -> deps.store().recordFork(key, answer.forkSessionId(), ""), (record, failure) -> new OwedAnswerRecorded(key, failure));
    }

    private Behavior<Command> onOwedAnswerRecorded(OwedAnswerRecorded recorded) {
        if (recorded.failure() != null) {
            getContext().getLog().error("Could not record the fork of {}", recorded.threadKey(), recorded.failure());
        }
        return this;
    }

    /** An opener asked again: its thread may exist already (the stop came after it opened), else it opens now. */
    private Behavior<Command> onReplayedOpener(ReplayedOpener replayed) {
        ChatEvent e = replayed.event();
        if (replayed.failure() != null || replayed.binding().isEmpty()) {
            onChannelMessage(e);
            return replayNext();
        }
        String key = threadKey(e.messageId());
        ActorRef<Conversation.Command> child = children.containsKey(key) ? children.get(key)
                : spawn(key, e.messageId(), replayed.binding().get());
        replaying.remove(e.messageId());
        child.tell(new Conversation.Ask(e.messageId(), e.author().displayName(), replayed.word().rest(), e.attachments()));
        return replayNext();
    }

    private void seen(ChatEvent e) {
        String last = lastSeen.get(e.channelId());
        if (last == null || dev.agenttunnel.core.store.SeenMarks.after(e.messageId(), last)) {
            lastSeen.put(e.channelId(), e.messageId());
            marksDirty = true;
        }
    }

    private Behavior<Command> onFlushMarks() {
        if (marksDirty) {
            marksDirty = false;
            Map<String, String> marks = Map.copyOf(lastSeen);
            io(() -> {
                dev.agenttunnel.core.store.SeenMarks file = seenMarks();
                Map<String, String> merged = new HashMap<>(file.read());
                merged.putAll(marks);
                file.write(merged);
                return null;
            }, (ok, failure) -> new MarksFlushed(failure));
        }
        return this;
    }

    private Behavior<Command> onMarksFlushed(MarksFlushed flushed) {
        if (flushed.failure() != null) {
            marksDirty = true;
            getContext().getLog().warn("Could not write {}: {}", seenMarks().path(), flushed.failure().toString());
        }
        return this;
    }

    private dev.agenttunnel.core.store.SeenMarks seenMarks() {
        return new dev.agenttunnel.core.store.SeenMarks(deps.settings().tunnel().stateDir().resolve("seen.json"));
    }

    private Behavior<Command> onCatchUp(CatchUp catchUp) {
        io(() -> {
            Map<String, String> from = new HashMap<>(catchUp.marks());
            // Every bound thread is read from its own start at least: its id is its first message's.
            for (ThreadRecord thread : deps.store().all().values()) {
                if (thread.threadKey().startsWith("th:")) {
                    String channel = thread.threadKey().substring(3);
                    from.putIfAbsent(channel, channel);
                }
            }
            return from;
        }, (from, failure) -> new CatchUpFrom(from == null ? catchUp.marks() : from, catchUp.owed(), failure));
        return this;
    }

    private Behavior<Command> onCatchUpFrom(CatchUpFrom catchUp) {
        if (catchUp.failure() != null) {
            getContext().getLog().warn("Could not read the thread bindings to catch up in them: {}", catchUp.failure().toString());
        }
        for (Map.Entry<String, String> mark : catchUp.from().entrySet()) {
            if (mark.getValue().isEmpty()) {
                continue;
            }
            getContext().pipeToSelf(deps.chat().history(mark.getKey(), mark.getValue(), CATCH_UP_LIMIT),
                    (said, error) -> new Missed(mark.getKey(), said, catchUp.owed(), unwrap(error)));
        }
        return this;
    }

    /** What was said in a channel while the bridge was down: each question not yet answered is handled now, in order. */
    private Behavior<Command> onMissed(Missed missed) {
        if (missed.failure() != null) {
            getContext().getLog().warn("Could not read what was said in {} while agent-tunnel was down: {}", missed.channelId(),
                    missed.failure().toString());
            return this;
        }
        String lastBot = "0";
        for (ChatEvent e : missed.said()) {
            if (e.author().bot() || e.author().id().equals(deps.botUserId())) {
                lastBot = e.messageId();
            }
        }
        int handled = 0;
        for (ChatEvent e : missed.said()) {
            seen(e);
            boolean answeredAlready = !dev.agenttunnel.core.store.SeenMarks.after(e.messageId(), lastBot);
            if (e.author().bot() || answeredAlready || missed.owed().contains(e.messageId())) {
                continue;
            }
            handled++;
            catchingUp.add(e.messageId());
            if (e.kind() == ChatEvent.ChannelKind.TEXT_CHANNEL) {
                io(() -> deps.store().get(threadKey(e.messageId())).isPresent(), (exists, failure) -> new MissedOpener(e, exists, failure));
            } else {
                getContext().getSelf().tell(new Inbound(e));
            }
        }
        if (handled > 0) {
            getContext().getLog().info("Catching up with {} message(s) posted in {} while agent-tunnel was down", handled, missed.channelId());
        }
        return this;
    }

    private Behavior<Command> onMissedOpener(MissedOpener missed) {
        if (missed.failure() == null && Boolean.TRUE.equals(missed.threadExists())) {
            catchingUp.remove(missed.event().messageId());
            return this; // its thread was opened before the stop: what followed there is caught up in the thread
        }
        return onChannelMessage(missed.event());
    }

    /** Whether {@code userId} had an ask accepted less than {@code [limits] per_user_cooldown_s} ago. */
    private boolean coolingDown(String userId) {
        return cooldownLeftMs(userId) > 0;
    }

    private long cooldownLeftMs(String userId) {
        Long last = lastAccepted.get(userId);
        return last == null ? 0 : (long) Math.ceil(last + cooldownMs() - deps.clock().millis());
    }

    private double cooldownMs() {
        return deps.settings().limits().perUserCooldownS() * 1000;
    }

    /**
     * The per-user cooldown: true when {@code e} has to wait — its author had an ask accepted within the cooldown, or
     * has earlier messages waiting (they keep their order). It gets ⏳ and is routed again once the cooldown is over.
     * A message let go from the wait that meets the cooldown again (another of the author's asks was accepted
     * meanwhile) goes back to the front.
     */
    private boolean heldBack(ChatEvent e) {
        if (replaying.contains(e.messageId()) || catchingUp.remove(e.messageId())) {
            return false; // asked again after a stop, or posted while serve was down: it waited long enough
        }
        String user = e.author().id();
        boolean wasReleased = released.remove(e.messageId());
        Deque<ChatEvent> waiting = held.computeIfAbsent(user, u -> new ArrayDeque<>());
        if (!coolingDown(user) && (wasReleased || waiting.isEmpty())) {
            if (waiting.isEmpty()) {
                held.remove(user);
            }
            return false;
        }
        if (wasReleased) {
            waiting.addFirst(e);
        } else if (waiting.size() >= HELD_PER_USER) {
            getContext().getLog().info("Dropped a message of {}: {} are already waiting out the cooldown", e.author().displayName(),
                    waiting.size());
            deps.chat().reply(e.channelId(), e.messageId(),
                    BridgeTexts.tooManyWaiting((long) Math.ceil(deps.settings().limits().perUserCooldownS())));
            return true;
        } else {
            waiting.addLast(e);
            deps.chat().react(e.channelId(), e.messageId(), "⏳");
            getContext().getLog().info("Held back a message of {} for {} ms (per-user cooldown; {} waiting)", e.author().displayName(),
                    cooldownLeftMs(user), waiting.size());
        }
        scheduleRelease(user);
        return true;
    }

    /** Lets the user's first held message go when their cooldown ends (now, if it already has). */
    private void scheduleRelease(String userId) {
        String key = "held-" + userId;
        if (!timers.isTimerActive(key)) {
            timers.startSingleTimer(key, new ReleaseHeld(userId), java.time.Duration.ofMillis(Math.max(1, cooldownLeftMs(userId))));
        }
    }

    private Behavior<Command> onReleaseHeld(ReleaseHeld release) {
        Deque<ChatEvent> waiting = held.get(release.userId());
        if (waiting == null || waiting.isEmpty() || abortReason != null) {
            held.remove(release.userId());
            return this;
        }
        if (coolingDown(release.userId())) { // another ask of theirs was accepted meanwhile
            scheduleRelease(release.userId());
            return this;
        }
        ChatEvent next = waiting.pollFirst();
        released.add(next.messageId());
        if (!waiting.isEmpty()) {
            // The one let go is accepted a moment from now (its routing may read files): the next waits a whole cooldown.
            timers.startSingleTimer("held-" + release.userId(), new ReleaseHeld(release.userId()),
                    java.time.Duration.ofMillis(Math.max(1, (long) cooldownMs())));
        } else {
            held.remove(release.userId());
        }
        return onInbound(new Inbound(next));
    }

    /** Whether a message that opens a conversation also asks something (a bare handle only gets a ready notice). */
    private static boolean asks(String question, ChatEvent e) {
        return !question.isBlank() || !e.attachments().isEmpty();
    }

    /**
     * A DM (when enabled): a message starting with a live handle (re)binds this DM to it — the previous binding is
     * forgotten first; anything else continues the DM's current binding, or gets a hint how to start.
     */
    private Behavior<Command> onDirectMessage(ChatEvent e) {
        Optional<ChatCommand.HandleWord> parsed = handleWord(e);
        if (parsed.isEmpty()) {
            return this;
        }
        ChatCommand.HandleWord word = parsed.get();
        if (!Handles.isValid(word.handle())) {
            return dmFollowUp(e);
        }
        io(() -> deps.registry().get(word.handle()), (record, failure) -> new DmLooked(e, word, record, failure));
        return this;
    }

    private Behavior<Command> onDmLooked(DmLooked looked) {
        ChatEvent e = looked.event();
        if (looked.failure() != null || looked.record().isEmpty()) {
            return dmFollowUp(e);
        }
        RegistryRecord r = looked.record().get();
        if (heldBack(e)) {
            return this;
        }
        if (asks(looked.word().rest(), e)) {
            lastAccepted.put(e.author().id(), deps.clock().millis());
        }
        String key = dmKey(e.channelId());
        ActorRef<Conversation.Command> previous = children.remove(key);
        if (previous != null) {
            previous.tell(new Conversation.Abort("↪️ Switched this conversation to **" + r.displayName() + "**."));
        }
        io(() -> {
            ThreadForgetting.forget(deps, key);
            return deps.store().bind(key, r.handle(), r.sessionId(), r.cwd(), deps.settings().tunnel().backend(), r.configDir(),
                    r.access(), e.author().displayName());
        }, (binding, failure) -> new DmRebound(e, r, looked.word().rest(), binding, failure));
        return this;
    }

    private Behavior<Command> onDmRebound(DmRebound rebound) {
        ChatEvent e = rebound.event();
        if (rebound.failure() != null) {
            getContext().getLog().error("Could not bind DM {}", e.channelId(), rebound.failure());
            deps.chat().post(e.channelId(), BridgeTexts.failed("Could not start this conversation: " + rebound.failure().getMessage()), List.of());
            return this;
        }
        ActorRef<Conversation.Command> child = spawn(dmKey(e.channelId()), e.channelId(), rebound.binding());
        if (!asks(rebound.question(), e)) {
            deps.chat().post(e.channelId(), "Connected to **" + rebound.record().displayName() + "**.", List.of());
        } else {
            accept(e);
            child.tell(new Conversation.Ask(e.messageId(), e.author().displayName(), rebound.question(), e.attachments()));
        }
        return this;
    }

    private Behavior<Command> dmFollowUp(ChatEvent e) {
        String key = dmKey(e.channelId());
        ActorRef<Conversation.Command> child = children.get(key);
        if (child != null) {
            return deliver(child, e);
        }
        io(() -> deps.store().get(key), (binding, failure) -> new DmRestored(e, binding, failure));
        return this;
    }

    private Behavior<Command> onDmRestored(DmRestored restored) {
        ChatEvent e = restored.event();
        String key = dmKey(e.channelId());
        if (children.containsKey(key)) {
            return deliver(children.get(key), e);
        }
        if (restored.failure() != null || restored.binding().isEmpty()) {
            deps.chat().post(e.channelId(), "Start with a handle, e.g. `payments your question`. `!list` shows what is shared.", List.of());
            return this;
        }
        return deliver(spawn(key, e.channelId(), restored.binding().get()), e);
    }

    static String dmKey(String channelId) {
        return "dm:" + channelId;
    }

    private Behavior<Command> list(String channelId) {
        io(() -> deps.registry().active(), (live, failure) -> new Listed(channelId, live, failure));
        return this;
    }

    private Behavior<Command> onListed(Listed listed) {
        if (listed.failure() != null) {
            getContext().getLog().error("Registry read failed", listed.failure());
            return this;
        }
        deps.chat().post(listed.channelId(), BridgeTexts.handleList(listed.live()), List.of());
        return this;
    }

    private ActorRef<Conversation.Command> spawn(String key, String channelId, ThreadRecord binding) {
        ActorRef<Conversation.Command> child = getContext().spawn(
                Conversation.create(deps, key, channelId, binding, permits, reaper, warmPool), "conversation-" + (++spawned));
        getContext().watchWith(child, new ChildStopped(key, child));
        children.put(key, child);
        return child;
    }

    private Behavior<Command> onChildStopped(ChildStopped stopped) {
        if (children.remove(stopped.threadKey(), stopped.child())) {
            closing.remove(stopped.threadKey());
        }
        if (abortReason != null && children.isEmpty()) {
            abortWaiters.forEach(w -> w.tell(Done.getInstance()));
            abortWaiters.clear();
        }
        return this;
    }

    private Behavior<Command> onAbortAll(AbortAll abort) {
        onFlushMarks();
        abortReason = abort.why();
        held.values().forEach(waiting -> waiting.forEach(e -> deps.chat().reply(e.channelId(), e.messageId(), abort.why())));
        held.clear();
        abortWaiters.add(abort.replyTo());
        if (children.isEmpty()) {
            abort.replyTo().tell(Done.getInstance());
            abortWaiters.clear();
        }
        children.values().forEach(child -> child.tell(new Conversation.Abort(abort.why())));
        return this;
    }

    /** Runs blocking file I/O on the I/O executor and brings the result back as a message. */
    private <T> void io(IoCall<T> call, java.util.function.BiFunction<T, Throwable, Command> toMessage) {
        Supplier<T> supplier = () -> {
            try {
                return call.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        getContext().pipeToSelf(CompletableFuture.supplyAsync(supplier, deps.blockingIo()),
                (value, failure) -> toMessage.apply(value, unwrap(failure)));
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while (cause != null && (cause instanceof java.util.concurrent.CompletionException || cause instanceof UncheckedIOException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String threadKey(String threadId) {
        return "th:" + threadId;
    }
}
