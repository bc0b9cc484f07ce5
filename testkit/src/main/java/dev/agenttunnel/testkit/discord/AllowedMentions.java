package dev.agenttunnel.testkit.discord;

import java.util.List;

/**
 * The {@code allowed_mentions} object a client sent with a message: which mention kinds Discord may parse
 * ({@code users}, {@code roles}, {@code everyone}), explicitly allowed user and role ids, and whether the author of a
 * replied-to message is pinged.
 */
public record AllowedMentions(List<String> parse, List<String> users, List<String> roles, boolean repliedUser) {
    public AllowedMentions {
        parse = List.copyOf(parse);
        users = List.copyOf(users);
        roles = List.copyOf(roles);
    }

    /** Whether nobody can be pinged by the message: nothing parsed, nobody allowed, no reply ping. */
    public boolean pingsNobody() {
        return parse.isEmpty() && users.isEmpty() && roles.isEmpty() && !repliedUser;
    }
}
