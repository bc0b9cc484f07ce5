package dev.agenttunnel.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.CanonicalPaths;
import dev.agenttunnel.core.registry.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads {@link Settings}: defaults from {@code reference.conf} (namespace {@code agent-tunnel}), the user's TOML
 * file layered on top. Unlike the Python tool, an unknown key or a value of the wrong type is an error that
 * names the file, the key and the expected type — a typo must not silently fall back to a default.
 */
public final class ConfigLoader {
    public static final String DEFAULT_PATH = "~/.config/agent-tunnel/config.toml";
    public static final String NAMESPACE = "agent-tunnel";
    private static final Set<String> INTEGERS = Set.of(
            "limits.max_concurrent", "limits.max_inline_chars", "limits.max_attachments");
    private static final Set<String> INTEGER_LISTS = Set.of(
            "discord.channel_ids", "discord.allowed_user_ids", "discord.allowed_role_ids");

    private ConfigLoader() {
    }

    /** The config file to read: {@code --config PATH} if given, else the default location. */
    public static Path configPath(Optional<String> explicit, Environment env) {
        return env.resolve(explicit.orElse(DEFAULT_PATH));
    }

    /** Reads the file (a missing default file means all defaults) and validates the result. */
    public static Settings load(Optional<String> explicit, Environment env) throws ConfigError {
        Path file = configPath(explicit, env);
        if (!Files.exists(file)) {
            if (explicit.isPresent()) {
                throw new ConfigError("Config file not found: " + file
                        + ". Create one with `agent-tunnel init --path " + file + "`, or leave out --config.");
            }
            return fromConfig(defaults(), file, env);
        }
        return fromConfig(parseToml(file).withFallback(defaults()), file, env);
    }

    /** The defaults of {@code reference.conf}, namespace {@code agent-tunnel}. */
    public static Config defaults() {
        return ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader()).getConfig(NAMESPACE);
    }

    /** Reads the TOML file into a Config, after checking every key and type against the defaults. */
    static Config parseToml(Path file) throws ConfigError {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new ConfigError("Cannot read " + file + ": " + e.getMessage());
        }
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().getFirst();
            throw new ConfigError(file + " is not valid TOML: " + oneLine(first.getMessage())
                    + (first.position() == null ? "" : " (line " + first.position().line() + ", column " + first.position().column() + ")"));
        }
        Map<String, Object> values = plain(toml.toMap());
        ObjectNode root = new ObjectMapper().valueToTree(values);
        List<String> problems = new ArrayList<>();
        checkAgainstDefaults(root, defaults(), file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigError(String.join("\n", problems));
        }
        return ConfigFactory.parseMap(values, file.toString());
    }

    /** tomlj's tables and arrays as plain maps and lists, which Typesafe Config takes. */
    private static Map<String, Object> plain(Map<String, Object> table) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, plainValue(v)));
        return out;
    }

    private static Object plainValue(Object v) {
        if (v instanceof org.tomlj.TomlTable table) {
            return plain(table.toMap());
        }
        if (v instanceof org.tomlj.TomlArray array) {
            return array.toList().stream().map(ConfigLoader::plainValue).toList();
        }
        return v;
    }

    private static void checkAgainstDefaults(ObjectNode root, Config defaults, Path file, List<String> problems) {
        Set<String> sections = defaults.root().keySet();
        for (Map.Entry<String, JsonNode> section : root.properties()) {
            String name = section.getKey();
            if (!sections.contains(name)) {
                problems.add(file + ": unknown " + (section.getValue().isObject() ? "section [" + name + "]" : "top-level key '" + name + "'")
                        + ". Known sections: " + String.join(", ", sections.stream().sorted().map(s -> "[" + s + "]").toList()) + ".");
                continue;
            }
            if (!section.getValue().isObject()) {
                problems.add(file + ": '" + name + "' must be a section ([" + name + "]), not a single value.");
                continue;
            }
            Set<String> keys = defaults.getConfig(name).root().keySet();
            for (Map.Entry<String, JsonNode> entry : section.getValue().properties()) {
                String key = name + "." + entry.getKey();
                if (!keys.contains(entry.getKey())) {
                    problems.add(file + ": unknown key '" + key + "'. Known keys in [" + name + "]: "
                            + String.join(", ", keys.stream().sorted().toList()) + ".");
                    continue;
                }
                expectedType(key, defaults.getValue(key))
                        .filter(expected -> !expected.accepts(entry.getValue()))
                        .ifPresent(expected -> problems.add(file + ": '" + key + "' must be " + expected.description
                                + ", got " + describe(entry.getValue()) + "."));
            }
        }
    }

    private enum ValueKind {
        STRING("a string"),
        BOOLEAN("true or false"),
        INTEGER("a whole number"),
        NUMBER("a number"),
        STRING_LIST("a list of strings"),
        INTEGER_LIST("a list of whole numbers (ids without quotes)");

        final String description;

        ValueKind(String description) {
            this.description = description;
        }

        boolean accepts(JsonNode v) {
            return switch (this) {
                case STRING -> v.isTextual();
                case BOOLEAN -> v.isBoolean();
                case INTEGER -> v.isIntegralNumber();
                case NUMBER -> v.isNumber();
                case STRING_LIST -> v.isArray() && allMatch(v, JsonNode::isTextual);
                case INTEGER_LIST -> v.isArray() && allMatch(v, JsonNode::isIntegralNumber);
            };
        }

        private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> test) {
            for (JsonNode item : array) {
                if (!test.test(item)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Optional<ValueKind> expectedType(String key, ConfigValue reference) {
        ConfigValueType type = reference.valueType();
        return Optional.ofNullable(switch (type) {
            case STRING -> ValueKind.STRING;
            case BOOLEAN -> ValueKind.BOOLEAN;
            case NUMBER -> INTEGERS.contains(key) ? ValueKind.INTEGER : ValueKind.NUMBER;
            case LIST -> INTEGER_LISTS.contains(key) ? ValueKind.INTEGER_LIST : ValueKind.STRING_LIST;
            default -> null;
        });
    }

    private static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "the string \"" + v.asText() + "\"";
        }
        if (v.isArray()) {
            return "the list " + v;
        }
        if (v.isObject()) {
            return "a table";
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }

    /**
     * Builds validated settings from a merged config (the {@code agent-tunnel} namespace). Relative paths are
     * anchored to the config file's folder and resolved through symlinks.
     */
    public static Settings fromConfig(Config c, Path configFile, Environment env) throws ConfigError {
        Path base = configFile.toAbsolutePath().getParent();
        try {
            String backendName = c.getString("tunnel.backend");
            Backend backend = Backend.parse(backendName).orElseThrow(() -> new IllegalArgumentException(
                    "Unknown backend: '" + backendName + "' (tunnel.backend must be \"headless\" or \"tmux\")"));
            String registryValue = c.getString("tunnel.registry_path");
            Path registry = registryValue.isEmpty()
                    ? CanonicalPaths.canonical(Registry.hookPath(env))
                    : anchored(registryValue, base, env);
            var tunnel = new TunnelSettings(
                    backend,
                    c.getString("tunnel.tmux_session"),
                    c.getString("tunnel.platform"),
                    anchored(c.getString("tunnel.state_path"), base, env),
                    registry,
                    optionalPath(c.getString("tunnel.claude_home"), base, env),
                    optionalPath(c.getString("tunnel.project_dir"), base, env));
            var discord = new DiscordSettings(
                    c.getString("discord.token_env"),
                    c.getString("discord.token_file"),
                    c.getLongList("discord.channel_ids"),
                    c.getLongList("discord.allowed_user_ids"),
                    c.getLongList("discord.allowed_role_ids"),
                    c.getBoolean("discord.respond_to_dms"),
                    c.getString("discord.rest_url"),
                    c.getString("discord.gateway_url"),
                    c.getBoolean("discord.progress"));
            var claude = new ClaudeSettings(
                    c.getString("claude.binary"),
                    c.getString("claude.model"),
                    c.getStringList("claude.allowed_tools"),
                    c.getStringList("claude.disallowed_tools"),
                    c.getString("claude.permission_mode"),
                    c.getString("claude.persona"),
                    c.getStringList("claude.headless_extra_args"),
                    c.getStringList("claude.tmux_extra_args"),
                    c.getBoolean("claude.auto_trust"),
                    c.getString("claude.trust_config_path"),
                    c.getBoolean("claude.unset_api_key"),
                    c.getBoolean("claude.allow_skip_permissions"),
                    c.getStringList("claude.deny_paths"));
            var limits = new LimitsSettings(
                    c.getInt("limits.max_concurrent"),
                    c.getDouble("limits.per_user_cooldown_s"),
                    c.getDouble("limits.answer_timeout_s"),
                    c.getDouble("limits.launch_timeout_s"),
                    c.getDouble("limits.pane_idle_ttl_min"),
                    c.getInt("limits.max_inline_chars"),
                    c.getDouble("limits.max_attachment_mb"),
                    c.getInt("limits.max_attachments"),
                    c.getDouble("limits.warm_idle_ttl_min"),
                    c.getInt("limits.max_warm_forks"),
                    c.getDouble("limits.max_thread_cost_usd"),
                    c.getDouble("limits.max_handle_daily_cost_usd"),
                    c.getDouble("limits.max_turn_cost_usd"),

                    c.getDouble("limits.max_deliverable_mb"),
                    c.getDouble("limits.max_uploads_mb"));
            var attachments = new AttachmentSettings(
                    c.getString("attachments.convert"),
                    c.getString("attachments.convert_command"));
            return new Settings(configFile.toAbsolutePath(), tunnel, discord, claude, limits, attachments);
        } catch (ConfigException e) {
            throw new ConfigError(configFile + ": " + oneLine(e.getMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(configFile + ": " + e.getMessage(), e);
        }
    }

    private static Path anchored(String value, Path base, Environment env) {
        return CanonicalPaths.canonical(env.resolve(value, base));
    }

    private static Optional<Path> optionalPath(String value, Path base, Environment env) {
        return value.isBlank() ? Optional.empty() : Optional.of(anchored(value, base, env));
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ').strip();
    }
}
