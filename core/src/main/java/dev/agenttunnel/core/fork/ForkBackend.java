package dev.agenttunnel.core.fork;

import java.util.concurrent.CompletionStage;

/**
 * Runs one turn of a fork and reports how it went. Implementations never block the caller and never complete
 * exceptionally for failures a user should hear about: those are {@link TurnOutcome.Failed} with a message
 * fit for the chat thread.
 */
public interface ForkBackend {
    CompletionStage<TurnOutcome> run(TurnRequest request);
}
