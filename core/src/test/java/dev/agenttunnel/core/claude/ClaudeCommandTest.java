package dev.agenttunnel.core.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.ConfigLoader;
import dev.agenttunnel.core.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClaudeCommandTest {
    private static final Environment ENV = new Environment(Map.of("HOME", "/home/u"), Path.of("/"));

    private static Settings settings(String overrides) throws Exception {
        return ConfigLoader.fromConfig(ConfigFactory.parseString(overrides).withFallback(ConfigLoader.defaults()),
                Path.of("/home/u/.config/agent-tunnel/config.toml"), ENV);
    }

    private static ClaudeCommand command(String overrides) throws Exception {
        return ClaudeCommand.of(settings(overrides), ENV);
    }

    private static ForkTurn turn(AccessLevel level, String configDir) {
        return new ForkTurn("expert-id", true, level, Path.of("/w/project"), configDir, List.of(Path.of("/s/uploads/cli-t")),
                Optional.of(Path.of("/w/project/.agent-tunnel-out/cli-t")));
    }

    @Test
    void readForksGetExactlyTheReadToolsAndNoOutbox() throws Exception {
        ProcessSpec spec = command("").headless(turn(AccessLevel.READ, ""), ENV);
        List<String> argv = spec.argv();
        assertEquals(List.of("claude", "-p", "--output-format", "stream-json", "--verbose", "--resume", "expert-id", "--fork-session",
                "--tools", "Read,Grep,Glob"), argv.subList(0, 10));
        String denied = argv.get(argv.indexOf("--disallowedTools") + 1);
        assertTrue(denied.startsWith("Write,Edit,NotebookEdit,Bash,Task,Agent,WebFetch,WebSearch,ToolSearch,Skill,Workflow"), denied);
        assertFalse(List.of(denied.split(",")).contains("Read"));
        assertTrue(argv.contains("--strict-mcp-config"));
        assertEquals("dontAsk", argv.get(argv.indexOf("--permission-mode") + 1));
        assertFalse(argv.contains("--add-dir"), "--add-dir would load .claude/ commands from the folder");
        assertTrue(argv.contains("--disable-slash-commands"));
        List<String> allowed = List.of(argv.get(argv.indexOf("--allowedTools") + 1).split(","));
        assertEquals(List.of("Read(//w/project/**)", "Read(//s/uploads/cli-t/**)"), allowed);
        var fence = dev.agenttunnel.core.files.JsonTrees.parse(argv.get(argv.indexOf("--settings") + 1)).path("permissions");
        assertTrue(fence.path("blockReadsOutsideWorkingDirectories").asBoolean());
        assertEquals("/s/uploads/cli-t", fence.path("additionalDirectories").path(0).asText());
        List<String> deny = new java.util.ArrayList<>();
        fence.path("deny").forEach(rule -> deny.add(rule.asText()));
        assertTrue(deny.containsAll(List.of("Read(//home/u/.ssh/**)", "Read(//home/u/.claude/**)", "Edit(//home/u/.config/agent-tunnel/**)",
                "Read(//home/u/.local/state/agent-tunnel/**)", "Read(//w/project/**/.env)", "Edit(//w/project/**/CLAUDE.md)")), deny.toString());
        String prompt = argv.get(argv.indexOf("--append-system-prompt") + 1);
        assertTrue(prompt.contains("over Discord") && !prompt.contains("{platform}") && !prompt.contains(".agent-tunnel-out"), prompt);
        assertTrue(spec.unsetEnv().containsAll(List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDECODE")));
        assertEquals(Path.of("/w/project"), spec.workingDir());
    }

    @Test
    void writeAndBashWidenTheToolListAndGetTheOutbox() throws Exception {
        ClaudeCommand command = command("");
        List<String> write = command.flags(turn(AccessLevel.WRITE, ""));
        assertEquals("Read,Grep,Glob,Write,Edit,NotebookEdit", write.get(write.indexOf("--tools") + 1));
        assertTrue(write.get(write.indexOf("--append-system-prompt") + 1).contains("/w/project/.agent-tunnel-out/cli-t"));
        List<String> bash = command.flags(turn(AccessLevel.BASH, ""));
        assertEquals("Read,Grep,Glob,Write,Edit,NotebookEdit,Bash", bash.get(bash.indexOf("--tools") + 1));
    }

    @Test
    void allIsRefusedWithoutTheGateAndSkipsPermissionsWithIt() throws Exception {
        var refused = assertThrows(AccessRefusedException.class,
                () -> command("").flags(turn(AccessLevel.ALL, "")));
        assertTrue(refused.getMessage().contains("allow_skip_permissions"));
        List<String> all = command("claude.allow_skip_permissions = true")
                .flags(turn(AccessLevel.ALL, ""));
        assertTrue(all.contains("--dangerously-skip-permissions"));
        assertFalse(all.contains("--tools") || all.contains("--allowedTools") || all.contains("--permission-mode"));
    }

    @Test
    void configDirIsPinnedOnlyWhenItIsNotTheDefault() throws Exception {
        ClaudeCommand command = command("claude.unset_api_key = false");
        ProcessSpec other = command.headless(turn(AccessLevel.READ, "/home/u/.claude-work"), ENV);
        assertEquals("/home/u/.claude-work", other.setEnv().get("CLAUDE_CONFIG_DIR"));
        assertFalse(other.unsetEnv().contains("ANTHROPIC_API_KEY"));
        ProcessSpec standard = command.headless(turn(AccessLevel.READ, "/home/u/.claude"), ENV);
        assertFalse(standard.setEnv().containsKey("CLAUDE_CONFIG_DIR"));
        assertTrue(standard.unsetEnv().contains("CLAUDE_CONFIG_DIR"));
    }

    @Test
    void theBotTokensVariableNeverReachesAFork() throws Exception {
        ClaudeCommand command = command("claude.unset_api_key = false");
        assertTrue(command.headless(turn(AccessLevel.BASH, ""), ENV).unsetEnv().contains("AGENT_TUNNEL_DISCORD_TOKEN"));
    }

    @Test
    void bareFileToolsInTheConfigAreScopedAndUnfencedModesAreRefused() throws Exception {
        List<String> flags = command("claude.allowed_tools = [\"Read\", \"Edit\", \"WebFetch(domain:example.com)\"]")
                .flags(turn(AccessLevel.READ, ""));
        assertEquals(List.of("Read(//w/project/**)", "Read(//s/uploads/cli-t/**)", "WebFetch(domain:example.com)"),
                List.of(flags.get(flags.indexOf("--allowedTools") + 1).split(",")));
        var refused = assertThrows(dev.agenttunnel.core.config.ConfigError.class, () -> settings("claude.permission_mode = \"bypassPermissions\""));
        assertTrue(refused.getMessage().contains("permission_mode"), refused.getMessage());
    }

    @Test
    void aProjectWhosePathIsAPatternIsRefused() throws Exception {
        ForkTurn odd = new ForkTurn("expert-id", true, AccessLevel.READ, Path.of("/w/pro*ject"), "", List.of(), Optional.empty());
        var refused = assertThrows(AccessRefusedException.class, () -> command("").flags(odd));
        assertTrue(refused.getMessage().contains("pattern"), refused.getMessage());
    }

    @Test
    void relayedMessagesStartWithFixedTextAndNameTheSender() {
        assertEquals("Relayed message — Alice (via Discord) says:\nhi", Persona.relayed(" Alice ", "Discord", "hi"));
        assertEquals("Relayed message — A teammate (via Slack) says:\nhi", Persona.relayed("  ", "Slack", "hi"));
        assertEquals("Relayed message — pwnc (via Discord) says:\n/heapdump", Persona.relayed("/pwnc", "Discord", "/heapdump"));
        assertEquals("Relayed message — a b (via Discord) says:\nq", Persona.relayed(" / a\n\u001b b ", "Discord", "q"));
        assertEquals(Persona.MAX_NAME, Persona.displayName("x".repeat(200)).length());
        assertTrue(Persona.fromTerminal("/heapdump").startsWith(Persona.RELAYED));
    }
}
