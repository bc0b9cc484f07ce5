package dev.agenttunnel.core.claude;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttunnel.core.AccessLevel;
import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.config.Settings;
import dev.agenttunnel.core.config.TunnelSettings;
import dev.agenttunnel.core.files.Executables;
import dev.agenttunnel.core.files.CanonicalPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a fork below {@code all} may reach, as claude permission rules: reads only inside the published project (and
 * its own thread's folders), edits only inside the project at write and bash, never our own files or the usual
 * secrets wherever they lie, and Bash in claude's sandbox where it can run. Observed with claude 2.1.332: a bare tool
 * name in {@code --allowedTools} allows that tool on every path, so the allow rules here are always path-scoped;
 * deny rules hold outside the working directory only when anchored ({@code Read(//abs/**)}), so every rule is.
 *
 * <p>Two layers guard reads: the allow rules and {@code blockReadsOutsideWorkingDirectories}. Denies win over both,
 * which is how our files stay out of reach also when they lie inside the project. A folder that contains the project
 * or a readable folder (HOME, or a test's temp root) is never denied whole: the fence goes down into it and denies
 * everything beside the path to what must stay reachable.
 */
public final class ForkFence {
    /** Secret files inside the project, denied to every tool below {@code all} (gitignore-style, anywhere below). */
    public static final List<String> PROJECT_SECRETS = List.of(
            ".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.p12", "*.pfx",
            "*.jks", "*.keystore", "*.kdbx", ".netrc", ".npmrc", ".pypirc", ".git-credentials", ".htpasswd",
            "credentials", "credentials.json", ".credentials.json", "secrets.yml", "secrets.yaml", "secrets.json");

    /**
     * Files a fork must not change even where it may edit: they become instructions or code for the owner's own
     * sessions and shells ({@code CLAUDE.md} is read into every session of the project; direnv runs {@code .envrc}).
     */
    public static final List<String> NOT_EDITABLE = List.of("CLAUDE.md", "CLAUDE.local.md", ".envrc");

    /** Places under {@code $HOME} that hold credentials or our own files, denied to every tool (Bash in the sandbox too). */
    public static final List<String> HOME_SECRETS = List.of(
            ".ssh", ".gnupg", ".aws", ".azure", ".config/gcloud", ".kube", ".docker", ".netrc", ".git-credentials",
            ".npmrc", ".pypirc", ".password-store", ".local/share/keyrings", ".config/gh", ".config/hub",
            ".bash_history", ".zsh_history", ".python_history", ".psql_history", ".mysql_history", ".claude.json",
            ".claude", ".config/agent-tunnel", ".local/state/agent-tunnel", ".local/share/agent-tunnel",
            ".local/bin/agent-tunnel", ".config/systemd", ".config/autostart");

    /** Characters that claude's gitignore-style rules read as syntax; a fence cannot name such a project exactly. */
    private static final Pattern RULE_SYNTAX = Pattern.compile("[*?\\[\\]()\\\\{}!#]");

    private final Path home;
    private final List<Path> ownPaths;
    private final List<String> extraDenies;
    private final boolean sandboxAvailable;

    /**
     * @param home             the user's {@code $HOME}
     * @param ownPaths         our own files and folders (config, token, state, registry, install prefix, launchers) and
     *                         the session's claude config dir: denied to every tool below {@code all}
     * @param extraDenies      the owner's additions ({@code [claude] deny_paths}): an absolute or {@code ~/} path is
     *                         denied as it is, anything else is a pattern matched anywhere inside the project
     * @param sandboxAvailable whether claude's Bash sandbox can run here (bubblewrap and socat on the PATH)
     */
    public ForkFence(Path home, List<Path> ownPaths, List<String> extraDenies, boolean sandboxAvailable) {
        this.home = home.toAbsolutePath().normalize();
        this.ownPaths = List.copyOf(ownPaths);
        this.extraDenies = List.copyOf(extraDenies);
        this.sandboxAvailable = sandboxAvailable;
    }

    public boolean sandboxAvailable() {
        return sandboxAvailable;
    }

    /** Refuses a project whose path cannot be written as an exact rule (it would widen what the fork may touch). */
    public static void checkNameable(Path project) throws AccessRefusedException {
        if (RULE_SYNTAX.matcher(project.toAbsolutePath().toString()).find()) {
            throw new AccessRefusedException("The published session's project folder " + project + " has a character that "
                    + "claude's permission rules read as a pattern (one of * ? [ ] ( ) { } ! # \\), so agent-tunnel cannot "
                    + "fence its forks. The owner can share the session from a folder without such characters.");
        }
    }

    /** The {@code --allowedTools} rules of a level below {@code all}: path-scoped, never a bare file tool. */
    public List<String> allowRules(AccessLevel level, Path project, List<Path> readableDirs) {
        List<String> rules = new ArrayList<>();
        for (Path dir : forms(project)) {
            rules.add(rule("Read", dir, true));
        }
        for (Path dir : readableDirs) {
            for (Path form : forms(dir)) {
                rules.add(rule("Read", form, true));
            }
        }
        if (level.includes(AccessLevel.WRITE)) {
            for (Path dir : forms(project)) {
                rules.add(rule("Edit", dir, true));
            }
        }
        if (level.includes(AccessLevel.BASH)) {
            rules.add("Bash");
        }
        return rules;
    }

    /**
     * The {@code --settings} value of a level below {@code all}: the read fence, the deny rules, the readable folders,
     * and at bash level claude's Bash sandbox (when it can run) with no way out of it.
     */
    public ObjectNode settings(AccessLevel level, Path project, List<Path> readableDirs, Path claudeConfigDir) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode permissions = root.putObject("permissions");
        permissions.put("blockReadsOutsideWorkingDirectories", true);
        ArrayNode additional = permissions.putArray("additionalDirectories");
        readableDirs.forEach(dir -> additional.add(dir.toAbsolutePath().toString()));
        ArrayNode deny = permissions.putArray("deny");
        denyRules(project, readableDirs, claudeConfigDir).forEach(deny::add);
        if (level.includes(AccessLevel.BASH) && sandboxAvailable) {
            ObjectNode sandbox = root.putObject("sandbox");
            sandbox.put("enabled", true);
            sandbox.put("autoAllowBashIfSandboxed", true);
            sandbox.put("allowUnsandboxedCommands", false);
        }
        return root;
    }

    /**
     * Every deny rule for a fork of {@code project}, in a stable order without repeats. {@code claudeConfigDir} is the
     * session's config dir: its credentials, history and every other session's transcripts are out of reach too.
     */
    public List<String> denyRules(Path project, List<Path> readableDirs, Path claudeConfigDir) {
        Set<String> rules = new LinkedHashSet<>();
        List<Path> reachable = new ArrayList<>(forms(project));
        readableDirs.forEach(dir -> reachable.addAll(forms(dir)));
        List<Path> denied = new ArrayList<>(ownPaths);
        denied.add(claudeConfigDir);
        HOME_SECRETS.forEach(name -> denied.add(home.resolve(name)));
        for (String extra : extraDenies) {
            if (extra.startsWith("/") || extra.startsWith("~/")) {
                denied.add(extra.startsWith("~/") ? home.resolve(extra.substring(2)) : Path.of(extra));
            }
        }
        for (Path path : denied) {
            for (Path form : forms(path)) {
                denyAround(form, reachable, rules);
            }
        }
        List<String> secrets = new ArrayList<>(PROJECT_SECRETS);
        extraDenies.stream().filter(e -> !e.startsWith("/") && !e.startsWith("~/")).forEach(secrets::add);
        for (Path dir : forms(project)) {
            for (String pattern : secrets) {
                String anchored = "/" + dir + "/**/" + pattern;
                rules.add("Read(" + anchored + ")");
                rules.add("Edit(" + anchored + ")");
            }
            for (String name : NOT_EDITABLE) {
                rules.add("Edit(/" + dir + "/**/" + name + ")");
            }
        }
        return List.copyOf(rules);
    }

    /**
     * Denies {@code path} to Read and Edit; when it contains something that must stay reachable, denies each of its
     * entries instead, going down only along the way to what stays reachable.
     */
    private static void denyAround(Path path, List<Path> reachable, Set<String> rules) {
        boolean holdsReachable = reachable.stream().anyMatch(r -> r.startsWith(path));
        if (!holdsReachable) {
            boolean dir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
            rules.add(rule("Read", path, false));
            rules.add(rule("Edit", path, false));
            if (dir || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                rules.add(rule("Read", path, true));
                rules.add(rule("Edit", path, true));
            }
            return;
        }
        if (reachable.contains(path)) {
            return;
        }
        try (Stream<Path> entries = Files.list(path)) {
            for (Path entry : entries.toList()) {
                denyAround(entry, reachable, rules);
            }
        } catch (IOException e) {
            // Unlistable: nothing of it can be named, and the read fence still keeps the fork inside its folders.
        }
    }

    /** {@code Tool(//abs/path)} or {@code Tool(//abs/path/**)}; rule syntax in a name is matched by {@code ?}. */
    private static String rule(String tool, Path path, boolean below) {
        String text = RULE_SYNTAX.matcher(path.toAbsolutePath().normalize().toString()).replaceAll("?");
        return tool + "(/" + text + (below ? "/**" : "") + ")";
    }

    /** The path as given and as resolved (they differ behind a symbolic link): a rule must hold for both. */
    private static List<Path> forms(Path path) {
        Path given = path.toAbsolutePath().normalize();
        Path real = CanonicalPaths.canonical(given);
        return real.equals(given) ? List.of(given) : List.of(given, real);
    }

    /**
     * The fence of this installation: our own files as {@code settings} and {@code env} place them, the owner's extra
     * denies, and whether claude's Bash sandbox can run (it needs bubblewrap and socat on the PATH).
     */
    public static ForkFence of(Settings settings, Environment env) {
        List<Path> own = new ArrayList<>();
        if (settings.configFile() != null) {
            Path config = settings.configFile().toAbsolutePath();
            own.add(config);
            own.add(config.getParent());
        }
        TunnelSettings tunnel = settings.tunnel();
        for (Path file : List.of(tunnel.statePath(), tunnel.registryPath())) {
            own.add(file);
            own.add(file.resolveSibling(file.getFileName() + ".lock"));
            own.add(file.resolveSibling(file.getFileName() + ".tmp"));
            own.add(file.getParent());
        }
        if (!settings.discord().tokenFile().isBlank()) {
            own.add(env.resolve(settings.discord().tokenFile()));
        }
        codeLocation().ifPresent(code -> {
            own.add(code);
            if (code.getFileName() != null && code.getFileName().toString().equals("lib") && code.getParent() != null) {
                own.add(code.getParent()); // the install prefix: lib/ and the launcher in bin/
            }
        });
        Executables.find("agent-tunnel", env).ifPresent(launcher -> {
            own.add(launcher);
            own.add(CanonicalPaths.canonical(launcher));
        });
        return new ForkFence(env.home(), own, settings.claude().denyPaths(), sandboxCanRun(env));
    }

    /** claude's Bash sandbox runs on Linux with bubblewrap and socat on the PATH (it runs Bash unsandboxed otherwise). */
    public static boolean sandboxCanRun(Environment env) {
        return Executables.find("bwrap", env).isPresent() && Executables.find("socat", env).isPresent();
    }

    /** Where this build's code lies (a jar's folder, or the classes folder in a checkout), if it can be told. */
    public static Optional<Path> codeLocation() {
        try {
            var source = ForkFence.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Optional.of(Files.isRegularFile(location) ? location.getParent() : location);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
