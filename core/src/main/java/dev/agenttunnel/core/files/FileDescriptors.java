package dev.agenttunnel.core.files;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls on a bare descriptor number that Java has no API for: {@code System.console()} only tells
 * whether stdin <em>and</em> stdout are a terminal (what may reach a terminal depends on stdout alone), and a
 * descriptor inherited from the launcher (the bot token's pipe) has no Java object to close it by.
 */
public final class FileDescriptors {
    public static final int STDOUT = 1;
    private static final MethodHandle ISATTY = libc("isatty", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private FileDescriptors() {
    }

    /** Whether descriptor {@code fd} is open on a terminal. */
    public static boolean isTerminal(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable e) {
            throw new IllegalStateException("isatty(" + fd + ") failed", e);
        }
    }

    /** Closes descriptor {@code fd}, one this process inherited and Java knows nothing of; false if it was not open. */
    public static boolean close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("close(" + fd + ") failed", e);
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor signature) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name)), signature);
    }
}
