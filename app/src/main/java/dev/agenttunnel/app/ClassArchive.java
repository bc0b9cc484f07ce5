package dev.agenttunnel.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class archive (a dynamic CDS archive) that lets {@code serve} start from pre-parsed classes: about 8,000 of
 * them, from JDA, Pekko and our own, which otherwise take most of its start-up to load. The launcher asks for one
 * ({@value #PROPERTY}, with {@code -XX:+RecordDynamicDumpInfo}) when the jar has none yet; the daemon writes it while it
 * shuts down, so only a daemon that did connect writes one and it holds every class a day of serving loaded. From then
 * on the launcher starts serve with {@code -XX:SharedArchiveFile}; a rebuilt jar or JDK makes it stale, and the
 * launcher deletes it.
 */
final class ClassArchive {
    /** The system property naming the archive to write. */
    static final String PROPERTY = "agent-tunnel.class-archive";
    private static final Logger LOG = LoggerFactory.getLogger(ClassArchive.class);

    private final Path path;

    private ClassArchive(Path path) {
        this.path = path;
    }

    /** The archive the launcher asked this process to write, if it asked. */
    static Optional<ClassArchive> requested() {
        return Optional.ofNullable(System.getProperty(PROPERTY)).filter(p -> !p.isBlank()).map(p -> new ClassArchive(Path.of(p)));
    }

    /**
     * Writes the archive of every class loaded so far (HotSpot's {@code VM.cds dynamic_dump}), to a temporary file first
     * so that a daemon starting meanwhile never maps half an archive. A failure costs only the faster start: logged, never
     * thrown.
     */
    void write() {
        Path temp = path.resolveSibling(path.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmCds", new Object[] {new String[] {"dynamic_dump", temp.toString()}}, new String[] {String[].class.getName()});
            if (!Files.isRegularFile(temp) || Files.size(temp) == 0) {
                LOG.warn("No class archive written ({}): {}", path, String.valueOf(result).strip());
                return;
            }
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (JMException | IOException | RuntimeException e) {
            LOG.warn("No class archive written ({}): {}", path, e.toString());
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a temporary file left beside the jar
            }
        }
    }
}
