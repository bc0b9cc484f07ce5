package dev.agenttunnel.testkit;

/**
 * Decides the fake model's reply to one recorded {@code POST /v1/messages} request. Called on the server's
 * request threads, possibly concurrently: keep implementations thread-safe. See {@link Scripts} for ready-made ones.
 */
@FunctionalInterface
public interface Script {

    Reply reply(RecordedRequest request);
}
