package dev.agenttunnel.core.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an answer into chat-sized messages, counting Unicode code points (never splitting a surrogate pair):
 * whole lines are packed into a chunk while they fit; a line longer than the limit is cut into limit-sized
 * pieces, each its own chunk. Lines joined with {@code \n} come back out as they went in.
 */
public final class Chunker {
    /** Discord's message limit, in code points. */
    public static final int DISCORD_LIMIT = 2000;

    private Chunker() {
    }

    public static List<String> chunks(String text, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        List<String> chunks = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return chunks;
        }
        StringBuilder pending = new StringBuilder();
        int pendingLength = 0;
        boolean open = false;
        for (String line : text.split("\n", -1)) {
            String rest = line;
            int restLength = Chunker.length(rest);
            if (restLength > limit) {
                emit(chunks, pending);
                open = false;
                pendingLength = 0;
                while (restLength > limit) {
                    int cut = rest.offsetByCodePoints(0, limit);
                    chunks.add(rest.substring(0, cut));
                    rest = rest.substring(cut);
                    restLength -= limit;
                }
            }
            int candidate = open ? pendingLength + 1 + restLength : restLength;
            if (candidate > limit) {
                emit(chunks, pending);
                pending.append(rest);
                pendingLength = restLength;
            } else {
                if (open) {
                    pending.append('\n');
                }
                pending.append(rest);
                pendingLength = candidate;
            }
            open = true;
        }
        emit(chunks, pending);
        return chunks;
    }

    private static void emit(List<String> chunks, StringBuilder pending) {
        if (!pending.isEmpty() && !pending.toString().isBlank()) {
            chunks.add(pending.toString());
        }
        pending.setLength(0);
    }

    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
