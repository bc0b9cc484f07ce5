package dev.agenttunnel.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agenttunnel.core.Environment;
import dev.agenttunnel.core.files.FileDescriptors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token the launcher hands {@code serve} on a pipe, so that it is never in the daemon's environment. */
class DiscordTokenTest {
    private static final DiscordSettings DISCORD = new DiscordSettings("AGENT_TUNNEL_DISCORD_TOKEN", "", List.of(1L), List.of(), List.of(),
            false, "http://127.0.0.1:1", "ws://127.0.0.1:1", true);

    @TempDir
    Path dir;

    @Test
    void theTokenOnThePipeIsReadStrippedAndItsDescriptorClosed() throws Throwable {
        int[] pipe = pipe();
        Files.writeString(descriptor(pipe[1]), "  the-bot-token\n");
        FileDescriptors.close(pipe[1]);

        assertEquals(Optional.of("the-bot-token"), DiscordToken.handedOver(DISCORD, env(String.valueOf(pipe[0]))));
        assertFalse(Files.exists(descriptor(pipe[0]), LinkOption.NOFOLLOW_LINKS), "the descriptor is closed");
    }

    @Test
    void aTokenFromAnotherVariableThanTokenEnvIsNotUsedButItsPipeIsClosed() throws Throwable {
        int[] pipe = pipe();
        Files.writeString(descriptor(pipe[1]), "the-bot-token");
        FileDescriptors.close(pipe[1]);
        DiscordSettings other = new DiscordSettings("MY_TOKEN", "", List.of(1L), List.of(), List.of(), false, "http://127.0.0.1:1", "ws://127.0.0.1:1", true);

        assertEquals(Optional.empty(), DiscordToken.handedOver(other, env(String.valueOf(pipe[0]))));
        assertFalse(Files.exists(descriptor(pipe[0]), LinkOption.NOFOLLOW_LINKS), "the descriptor is closed");
    }

    @Test
    void withoutTheVariableNothingIsHandedOver() throws Exception {
        assertEquals(Optional.empty(), DiscordToken.handedOver(DISCORD, new Environment(Map.of("HOME", dir.toString()), dir)));
    }

    @Test
    void aDescriptorThatIsNotAPipeIsRefusedAndLeftOpen() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-pipe"), "secret");
        try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "r")) {
            int fd = descriptorOf(file);
            IOException refused = assertThrows(IOException.class, () -> DiscordToken.handedOver(DISCORD, env(String.valueOf(fd))));
            assertTrue(refused.getMessage().contains("not the pipe"), refused.getMessage());
            assertEquals('s', open.read(), "this JVM's own file is still open");
        }
    }

    @Test
    void aVariableNamingNoLauncherDescriptorIsRefused() {
        for (String value : new String[] {"1", "x", "987654"}) {
            IOException refused = assertThrows(IOException.class, () -> DiscordToken.handedOver(DISCORD, env(value)), value);
            assertTrue(refused.getMessage().startsWith(DiscordToken.FD_VARIABLE + "=" + value), refused.getMessage());
        }
    }

    private Environment env(String fd) {
        return new Environment(Map.of("HOME", dir.toString(), DiscordToken.FD_VARIABLE, fd,
                DiscordToken.NAME_VARIABLE, "AGENT_TUNNEL_DISCORD_TOKEN"), dir);
    }

    private static Path descriptor(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static int descriptorOf(Path file) throws IOException {
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            return open.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).equals(file);
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).mapToInt(link -> Integer.parseInt(link.getFileName().toString())).findFirst().orElseThrow();
        }
    }

    /** {@code pipe(2)}: the read and the write end. */
    private static int[] pipe() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle pipe = linker.downcallHandle(linker.defaultLookup().find("pipe").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, (int) pipe.invokeExact(fds));
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        }
    }
}
