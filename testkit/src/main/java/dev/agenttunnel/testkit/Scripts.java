package dev.agenttunnel.testkit;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Ready-made {@link Script}s for the fake API. */
public final class Scripts {

    private Scripts() {}

    /**
     * The fake API's default: {@code "fake answer"} for conversation turns (main and sub-agent); for requests that
     * demand structured output (the session title) a minimal JSON instance of the demanded schema, so claude can
     * parse it.
     */
    public static Script defaults() {
        return request -> request.outputSchema()
                .map(schema -> Reply.text(Json.write(SchemaSample.of(schema))))
                .orElseGet(() -> Reply.text(FakeAnthropicApi.DEFAULT_ANSWER));
    }

    /** Always the same reply. */
    public static Script always(Reply reply) {
        return request -> reply;
    }

    /** Always the same text. */
    public static Script text(String text) {
        return always(Reply.text(text));
    }

    /** Replies {@code "echo: " + lastUserText}. */
    public static Script echo() {
        return request -> Reply.text("echo: " + request.lastUserText());
    }

    /**
     * Asks for {@code calls} until the request carries a {@code tool_result} for every one of them, then answers
     * {@code answer.apply(request)} — e.g. a {@code Read} first, then text built from the tool result the fake saw.
     */
    public static Script toolRoundTrip(List<ToolCall> calls, Function<RecordedRequest, Reply> answer) {
        List<ToolCall> copy = List.copyOf(calls);
        return request -> copy.stream().allMatch(call -> request.hasToolResultFor(call.id()))
                ? answer.apply(request)
                : Reply.toolUse(copy);
    }

    /**
     * Replies from {@code replies} in turn, one per request it sees, then repeats the last one. Stateful: use a
     * fresh one per test, ideally behind {@link #mainOnly(Script)}.
     */
    public static Script sequence(Reply... replies) {
        List<Reply> list = List.of(replies);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a sequence needs at least one reply");
        }
        AtomicInteger next = new AtomicInteger();
        return request -> list.get(Math.min(next.getAndIncrement(), list.size() - 1));
    }

    /**
     * {@code main} for {@linkplain RecordedRequest#isMainConversation() main-conversation} turns; {@link #defaults()}
     * for auxiliary and sub-agent requests (so a sub-agent finishes at once with {@code "fake answer"}).
     */
    public static Script mainOnly(Script main) {
        Script fallback = defaults();
        return request -> request.isMainConversation() ? main.reply(request) : fallback.reply(request);
    }
}
