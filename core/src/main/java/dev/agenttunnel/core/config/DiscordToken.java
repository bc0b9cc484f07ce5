package dev.agenttunnel.core.config;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.FileDescriptors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The bot token: handed over by the launcher on a pipe, else the configured environment variable, else the token
 * file; stripped.
 */
public final class DiscordToken {
    /**
     * Names the descriptor on which the launcher hands {@code serve} the token (read from the variable that
     * {@code token_env} names, which it then keeps out of the daemon's environment: a fork with Bash could read
     * {@code /proc/<daemon pid>/environ}).
     */
    public static final String FD_VARIABLE = "AGENT_TUNNEL_TOKEN_FD";
    /** Names the variable the launcher took the token from: it is used only if that is this serve's {@code token_env}. */
    public static final String NAME_VARIABLE = "AGENT_TUNNEL_TOKEN_ENV";
    /** What the launcher sets for {@code serve}, and a fork need not see. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of(FD_VARIABLE, NAME_VARIABLE);
    private static final Path OPEN_DESCRIPTORS = Path.of("/proc/self/fd");

    private DiscordToken() {
    }

    /** From the environment variable {@code token_env} names, else from {@code token_file}. */
    public static Optional<String> resolve(DiscordSettings discord, Environment env) {
        Optional<String> fromEnv = env.get(discord.tokenEnv()).map(String::strip).filter(t -> !t.isEmpty());
        if (fromEnv.isPresent() || discord.tokenFile().isBlank()) {
            return fromEnv;
        }
        Path file = env.resolve(discord.tokenFile());
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file).strip()).filter(t -> !t.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Why {@code token_file} gives no token, when it is set: "does not exist", "is empty", "cannot be read (…)". Empty
     * when it is not set or holds a token.
     */
    public static Optional<String> fileProblem(DiscordSettings discord, Environment env) {
        if (discord.tokenFile().isBlank()) {
            return Optional.empty();
        }
        Path file = env.resolve(discord.tokenFile());
        if (!Files.exists(file)) {
            return Optional.of("does not exist");
        }
        try {
            return Files.readString(file).isBlank() ? Optional.of("is empty") : Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * The token on the pipe {@link #FD_VARIABLE} names, read to its end and the descriptor closed (so call this
     * once); empty when the variable is not set, or when the launcher took it from another variable than
     * {@code discord}'s {@code token_env} (it reads the config file more simply than we do).
     *
     * @throws IOException when the variable names no descriptor, or (where {@code /proc} shows it) not a pipe —
     *                     which could be one of this JVM's own files
     */
    public static Optional<String> handedOver(DiscordSettings discord, Environment env) throws IOException {
        Optional<String> token = readPipe(env);
        return env.get(NAME_VARIABLE).filter(discord.tokenEnv()::equals).isPresent() ? token : Optional.empty();
    }

    private static Optional<String> readPipe(Environment env) throws IOException {
        Optional<String> named = env.get(FD_VARIABLE);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        int fd;
        try {
            fd = Integer.parseInt(named.get().strip());
        } catch (NumberFormatException e) {
            fd = -1;
        }
        if (fd < 3) {
            throw new IOException(FD_VARIABLE + "=" + named.get() + " is not the number of a descriptor the launcher opened.");
        }
        if (Files.isDirectory(OPEN_DESCRIPTORS)) {
            String target;
            try {
                target = Files.readSymbolicLink(OPEN_DESCRIPTORS.resolve(String.valueOf(fd))).toString();
            } catch (NoSuchFileException e) {
                throw new IOException(FD_VARIABLE + "=" + fd + " names no open descriptor (the agent-tunnel launcher "
                        + "hands the bot token over this way; unset it to use token_env or token_file).");
            }
            if (!target.startsWith("pipe:")) {
                throw new IOException(FD_VARIABLE + "=" + fd + " names " + target + ", not the pipe the launcher hands "
                        + "the bot token over on; unset it to use token_env or token_file.");
            }
        }
        try {
            String token = new String(Files.readAllBytes(Path.of("/dev/fd/" + fd)), StandardCharsets.UTF_8).strip();
            return Optional.of(token).filter(t -> !t.isEmpty());
        } finally {
            FileDescriptors.close(fd);
        }
    }
}
