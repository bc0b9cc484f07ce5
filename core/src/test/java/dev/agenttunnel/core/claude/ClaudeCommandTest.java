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

    private static ForkTurn turn(AccessLevel level, String configDir) {
        return new ForkTurn("expert-id", true, level, Path.of("/w/project"), configDir, List.of(Path.of("/s/uploads/cli-t")),
                Optional.of(Path.of("/w/project/.agent-tunnel-out/cli-t")));
    }

    @Test
    void readForksGetExactlyTheReadToolsAndNoOutbox() throws Exception {
        ProcessSpec spec = new ClaudeCommand(settings("").claude(), "Discord").headless(turn(AccessLevel.READ, ""), ENV);
        List<String> argv = spec.argv();
        assertEquals(List.of("claude", "-p", "--output-format", "stream-json", "--verbose", "--resume", "expert-id", "--fork-session",
                "--tools", "Read,Grep,Glob"), argv.subList(0, 10));
        String denied = argv.get(argv.indexOf("--disallowedTools") + 1);
        assertTrue(denied.startsWith("Write,Edit,NotebookEdit,Bash,Task,Agent,WebFetch,WebSearch,ToolSearch,Skill,Workflow"), denied);
        assertFalse(List.of(denied.split(",")).contains("Read"));
        assertTrue(argv.contains("--strict-mcp-config"));
        assertEquals("dontAsk", argv.get(argv.indexOf("--permission-mode") + 1));
        assertEquals("/s/uploads/cli-t", argv.get(argv.indexOf("--add-dir") + 1));
        String prompt = argv.get(argv.indexOf("--append-system-prompt") + 1);
        assertTrue(prompt.contains("over Discord") && !prompt.contains("{platform}") && !prompt.contains(".agent-tunnel-out"), prompt);
        assertTrue(spec.unsetEnv().containsAll(List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDECODE")));
        assertEquals(Path.of("/w/project"), spec.workingDir());
    }

    @Test
    void writeAndBashWidenTheToolListAndGetTheOutbox() throws Exception {
        ClaudeCommand command = new ClaudeCommand(settings("").claude(), "Discord");
        List<String> write = command.flags(turn(AccessLevel.WRITE, ""));
        assertEquals("Read,Grep,Glob,Write,Edit,NotebookEdit", write.get(write.indexOf("--tools") + 1));
        assertTrue(write.get(write.indexOf("--append-system-prompt") + 1).contains("/w/project/.agent-tunnel-out/cli-t"));
        List<String> bash = command.flags(turn(AccessLevel.BASH, ""));
        assertEquals("Read,Grep,Glob,Write,Edit,NotebookEdit,Bash", bash.get(bash.indexOf("--tools") + 1));
    }

    @Test
    void allIsRefusedWithoutTheGateAndSkipsPermissionsWithIt() throws Exception {
        var refused = assertThrows(AccessRefusedException.class,
                () -> new ClaudeCommand(settings("").claude(), "Discord").flags(turn(AccessLevel.ALL, "")));
        assertTrue(refused.getMessage().contains("allow_skip_permissions"));
        List<String> all = new ClaudeCommand(settings("claude.allow_skip_permissions = true").claude(), "Discord")
                .flags(turn(AccessLevel.ALL, ""));
        assertTrue(all.contains("--dangerously-skip-permissions"));
        assertFalse(all.contains("--tools") || all.contains("--allowedTools") || all.contains("--permission-mode"));
    }

    @Test
    void configDirIsPinnedOnlyWhenItIsNotTheDefault() throws Exception {
        ClaudeCommand command = new ClaudeCommand(settings("claude.unset_api_key = false").claude(), "Discord");
        ProcessSpec other = command.headless(turn(AccessLevel.READ, "/home/u/.claude-work"), ENV);
        assertEquals("/home/u/.claude-work", other.setEnv().get("CLAUDE_CONFIG_DIR"));
        assertFalse(other.unsetEnv().contains("ANTHROPIC_API_KEY"));
        ProcessSpec standard = command.headless(turn(AccessLevel.READ, "/home/u/.claude"), ENV);
        assertFalse(standard.setEnv().containsKey("CLAUDE_CONFIG_DIR"));
        assertTrue(standard.unsetEnv().contains("CLAUDE_CONFIG_DIR"));
    }

    @Test
    void theBotTokensVariableNeverReachesAFork() throws Exception {
        ClaudeCommand command = new ClaudeCommand(settings("claude.unset_api_key = false").claude(), "Discord",
                java.util.Set.of("AGENT_TUNNEL_DISCORD_TOKEN"));
        assertTrue(command.headless(turn(AccessLevel.BASH, ""), ENV).unsetEnv().contains("AGENT_TUNNEL_DISCORD_TOKEN"));
    }

    @Test
    void relayedMessagesNameTheSender() {
        assertEquals("Alice (via Discord) says:\nhi", Persona.relayed(" Alice ", "Discord", "hi"));
        assertEquals("A teammate (via Slack) says:\nhi", Persona.relayed("  ", "Slack", "hi"));
    }
}
