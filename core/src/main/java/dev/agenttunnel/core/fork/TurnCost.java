package dev.agenttunnel.core.fork;

/**
 * What one turn cost, as claude reports it: US dollars and tokens (input counts cache reads and writes too). The tmux
 * backend cannot tell: {@link #UNKNOWN}.
 */
public record TurnCost(double usd, long inputTokens, long outputTokens) {
    public static final TurnCost UNKNOWN = new TurnCost(0, 0, 0);

    public TurnCost {
        if (usd < 0 || inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("a cost is never negative");
        }
    }

    public TurnCost plus(TurnCost other) {
        return new TurnCost(usd + other.usd, inputTokens + other.inputTokens, outputTokens + other.outputTokens);
    }
}
