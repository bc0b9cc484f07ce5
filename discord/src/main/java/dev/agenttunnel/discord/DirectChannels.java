package dev.agenttunnel.discord;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which colleague each DM channel belongs to, learnt from the DMs received since start. JDA caches only the ten
 * most recently used DM channels; with this memory the chat port can reopen an evicted one by its recipient, so an
 * answer still reaches a DM after ten others were active meanwhile. One instance per connection; thread-safe.
 */
final class DirectChannels {
    private final Map<String, String> recipientByChannel = new ConcurrentHashMap<>();

    void remember(String channelId, String userId) {
        recipientByChannel.put(channelId, userId);
    }

    Optional<String> recipient(String channelId) {
        return Optional.ofNullable(recipientByChannel.get(channelId));
    }
}
