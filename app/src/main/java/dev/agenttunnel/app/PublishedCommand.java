package dev.agenttunnel.app;

import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryRecord;
import dev.agenttunnel.core.registry.SessionTranscripts;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code agent-tunnel published}: the live handles, newest first. */
@Command(name = "published", mixinStandardHelpOptions = true, description = "List the live (published) handles, newest first.")
final class PublishedCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final CliContext ctx;

    PublishedCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Registry registry = new Registry(ctx.settings(config).tunnel().registryPath());
        List<RegistryRecord> live = registry.active();
        if (live.isEmpty()) {
            ctx.out().println("No live handles. Type >share inside a Claude Code session to publish it.");
            return ExitCodes.OK;
        }
        live.forEach(r -> ctx.out().println(line(r) + SessionTranscripts.gone(r)
                .map(t -> "  ⚠️ transcript gone (" + t + "): no fork can start; revoke it or >share a live session").orElse("")));
        return ExitCodes.OK;
    }

    static String line(RegistryRecord r) {
        StringBuilder s = new StringBuilder(r.handle());
        if (!r.label().isEmpty() && !r.label().equals(r.handle())) {
            s.append(" (").append(r.label()).append(')');
        }
        s.append(": ").append(r.sessionId(), 0, Math.min(8, r.sessionId().length())).append(" @ ").append(r.cwd());
        if (!r.configDir().isEmpty()) {
            Path name = Path.of(r.configDir()).getFileName();
            s.append("  [").append(name == null ? r.configDir() : name).append(']');
        }
        switch (r.access()) {
            case WRITE -> s.append("  ✍️ write");
            case BASH -> s.append("  💥 bash");
            case ALL -> s.append("  🚨 all");
            case READ -> { }
        }
        return s.toString();
    }
}
