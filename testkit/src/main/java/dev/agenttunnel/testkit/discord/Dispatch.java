package dev.agenttunnel.testkit.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One gateway event to send to every session whose intents include {@code intent}. A session without the
 * MESSAGE_CONTENT intent gets {@code withoutContent} instead of {@code data} when that is set.
 */
record Dispatch(String type, ObjectNode data, int intent, ObjectNode withoutContent) {
    static Dispatch of(String type, ObjectNode data, int intent) {
        return new Dispatch(type, data, intent, null);
    }

    /** The payload a session with {@code intents} receives. */
    ObjectNode payloadFor(int intents) {
        return withoutContent != null && (intents & Intents.MESSAGE_CONTENT) == 0 ? withoutContent : data;
    }
}
