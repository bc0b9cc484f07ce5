package dev.agenttunnel.hooks;

import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.claude.ForkFence;
import dev.agenttunnel.core.Handles;
import dev.agenttunnel.core.registry.ConfigDirs;
import dev.agenttunnel.core.registry.Registry;
import dev.agenttunnel.core.registry.RegistryJson;
import dev.agenttunnel.core.registry.RegistryRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code >share} hook: publishes, relabels, shows or revokes this session's handle in the registry, and
 * returns the text Claude Code shows the owner instead of sending the prompt to the model. Empty result: the
 * prompt was not for us.
 */
public final class ShareHook {
    private final Registry registry;
    private final Environment env;
    private final Clock clock;

    public ShareHook(Registry registry, Environment env, Clock clock) {
        this.registry = registry;
        this.env = env;
        this.clock = clock;
    }

    /** The reason to block the prompt with, or empty to let it through. */
    public Optional<String> handle(HookInput input) throws IOException {
        Optional<ShareCommand> parsed = ShareCommand.parse(input.prompt());
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        if (input.sessionId().isBlank()) {
            return Optional.of(Colours.yellow("No session ID: Claude Code did not say which session this is, so it cannot be shared."));
        }
        // An if-chain rather than a pattern switch: the switch's bootstrap spins a class at run time, a few
        // milliseconds of the hook's start-up budget.
        ShareCommand command = parsed.get();
        if (command instanceof ShareCommand.Publish publish) {
            return Optional.of(publish(input, publish));
        }
        if (command instanceof ShareCommand.Status) {
            return Optional.of(status(input.sessionId()));
        }
        if (command instanceof ShareCommand.Off) {
            return Optional.of(off(input.sessionId()));
        }
        return Optional.of(Colours.yellow(((ShareCommand.Invalid) command).reason()));
    }

    private String status(String sessionId) throws IOException {
        Optional<RegistryRecord> live = liveRecordOf(registry.all(), sessionId);
        return live.map(r -> Colours.green("This session is shared as handle: `" + r.handle() + "` (access: " + r.access() + ")")
                        + "\n" + howTo(r.handle()))
                .orElse(Colours.blue("This session is not shared. Type >share to publish it."));
    }

    private String off(String sessionId) throws IOException {
        if (!java.nio.file.Files.exists(registry.path())) {
            return Colours.blue("This session was not shared.");
        }
        List<String> notes = new ArrayList<>();
        moveAsideIfCorrupt(notes);
        List<String> revoked = registry.update(root -> {
            List<RegistryRecord> live = liveRecordsOf(RegistryJson.records(root, registry.path()), sessionId);
            live.forEach(r -> RegistryJson.put(root, r.withRevoked(true)));
            return live.stream().map(RegistryRecord::handle).toList();
        });
        if (revoked.isEmpty()) {
            return joinLines(notes, Colours.blue("This session was not shared."));
        }
        String handles = revoked.size() == 1 ? "handle `" + revoked.getFirst() + "`"
                : "handles `" + String.join("`, `", revoked) + "`";
        return joinLines(notes, Colours.yellow("Stopped sharing (" + handles + " revoked). Open threads keep answering "
                + "until closed with !done; new ones cannot start."));
    }

    private String publish(HookInput input, ShareCommand.Publish command) throws IOException {
        List<String> notes = new ArrayList<>();
        moveAsideIfCorrupt(notes);
        String cwd = env.resolve(input.cwd().isBlank() ? "." : input.cwd()).toString();
        String configDir = ConfigDirs.detect(input.transcriptPath(), env);
        Optional<String> wanted = command.label().flatMap(Handles::sanitise);
        PublishResult result = registry.update(root -> {
            Map<String, RegistryRecord> records = RegistryJson.records(root, registry.path());
            Optional<RegistryRecord> prior = liveRecordOf(records, input.sessionId());
            String handle;
            if (wanted.isPresent()) {
                handle = wanted.get();
                RegistryRecord holder = records.get(handle);
                if (holder != null && holder.live() && !holder.sessionId().equals(input.sessionId())) {
                    return PublishResult.taken(handle);
                }
                prior.filter(p -> !p.handle().equals(handle)).ifPresent(p -> RegistryJson.remove(root, p.handle()));
            } else {
                handle = prior.map(RegistryRecord::handle).orElseGet(() -> freeDerivedHandle(records, input.sessionId()));
            }
            Optional<RegistryRecord> inherited = prior.or(() -> Optional.ofNullable(records.get(handle))
                    .filter(r -> r.sessionId().equals(input.sessionId())));
            RegistryRecord record = new RegistryRecord(
                    handle,
                    input.sessionId(),
                    cwd,
                    configDir,
                    command.level().or(() -> inherited.map(RegistryRecord::access)).orElse(AccessLevel.READ),
                    command.label().isPresent() ? handle : inherited.map(RegistryRecord::label).orElse(""),
                    input.transcriptPath(),
                    inherited.map(RegistryRecord::createdAt).orElseGet(() -> clock.millis() / 1000.0),
                    false);
            RegistryJson.put(root, record);
            return PublishResult.published(record);
        });
        if (result.takenHandle() != null) {
            return joinLines(notes, Colours.yellow("Handle `" + result.takenHandle() + "` is already used by another live "
                    + "session. Pick another name, e.g. `>share " + result.takenHandle() + "-2`."));
        }
        RegistryRecord record = result.record();
        StringBuilder text = new StringBuilder(Colours.green("Sharing this session as: `" + record.handle() + "` (access: " + record.access() + ")"));
        text.append('\n').append(howTo(record.handle()));
        accessNote(record.access()).ifPresent(note -> text.append('\n').append(note));
        return joinLines(notes, text.toString());
    }

    private void moveAsideIfCorrupt(List<String> notes) throws IOException {
        Optional<Path> aside = registry.file().moveAsideIfCorrupt();
        aside.ifPresent(p -> notes.add(Colours.yellow("The registry " + registry.path() + " was not valid JSON; it was kept as "
                + p + " and a new registry was started (re-share other sessions, or restore entries from that file).")));
    }

    private record PublishResult(RegistryRecord record, String takenHandle) {
        static PublishResult published(RegistryRecord r) {
            return new PublishResult(r, null);
        }

        static PublishResult taken(String handle) {
            return new PublishResult(null, handle);
        }
    }

    /** The derived handle, with {@code x} appended while it belongs to another session (revoked or not). */
    static String freeDerivedHandle(Map<String, RegistryRecord> records, String sessionId) {
        String handle = Handles.derive(sessionId);
        while (records.containsKey(handle) && !records.get(handle).sessionId().equals(sessionId)) {
            handle = handle + "x";
        }
        return handle;
    }

    static Optional<RegistryRecord> liveRecordOf(Map<String, RegistryRecord> records, String sessionId) {
        return liveRecordsOf(records, sessionId).stream().findFirst();
    }

    /** Usually one; more only in a hand-edited registry, and {@code >share off} must end them all. */
    static List<RegistryRecord> liveRecordsOf(Map<String, RegistryRecord> records, String sessionId) {
        return records.values().stream().filter(r -> r.live() && r.sessionId().equals(sessionId)).toList();
    }

    private static String howTo(String handle) {
        return Colours.blue("Colleagues post `" + handle + " <question>` in the agent-tunnel channel. "
                + "`>share status` shows this, `>share off` stops sharing.");
    }

    private Optional<String> accessNote(AccessLevel level) {
        return Optional.ofNullable(switch (level) {
            case READ -> null;
            case WRITE -> Colours.yellow("Write access: colleagues' forks can edit files in this project.");
            case BASH -> Colours.yellow("BASH access: colleagues' forks can run shell commands and edit files. Share it with trusted people only. "
                    + (ForkFence.sandboxCanRun(env)
                            ? "Their commands run in claude's sandbox: writes only inside this project, no network, and "
                                    + "your secrets and agent-tunnel's files unreadable."
                            : "⚠️ claude's sandbox cannot run here (it needs bubblewrap and socat: apt-get install bubblewrap "
                                    + "socat), so their commands can read and change everything your user can: ~/.ssh, "
                                    + "credentials, other projects, agent-tunnel's own files."));
            case ALL -> Colours.yellow("🚨 FULL ACCESS: forks run with every permission skipped. The daemon refuses this level unless "
                    + "`allow_skip_permissions = true` is set under [claude] in its config.toml.");
        });
    }

    private static String joinLines(List<String> notes, String text) {
        if (notes.isEmpty()) {
            return text;
        }
        return String.join("\n", notes) + "\n" + text;
    }
}
