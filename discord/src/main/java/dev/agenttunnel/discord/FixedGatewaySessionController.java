package dev.agenttunnel.discord;

import java.util.Objects;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;

/**
 * JDA's default session controller (identify pacing, reconnect queue) with the gateway URL taken from our
 * configuration ({@code discord.gateway_url}) instead of JDA's built-in one, so tests can point JDA at an emulator.
 */
final class FixedGatewaySessionController extends ConcurrentSessionController {
    private final String gatewayUrl;

    FixedGatewaySessionController(String gatewayUrl) {
        this.gatewayUrl = Objects.requireNonNull(gatewayUrl, "gatewayUrl");
    }

    @Override
    public String getGateway() {
        return gatewayUrl;
    }
}
