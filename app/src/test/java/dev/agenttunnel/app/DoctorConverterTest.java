package dev.agenttunnel.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code doctor} names the Office-attachment converter that serve would use. */
class DoctorConverterTest {
    @Test
    void doctorNamesTheConverterOrSaysConversionIsOff() throws Exception {
        try (TunnelWorld world = new TunnelWorld()) {
            TunnelWorld.CliResult r = world.cli("doctor");
            assertTrue(r.out().contains("• Office-attachment converter: LibreOffice → PDF ("), r.describe());
            Files.writeString(world.config, Files.readString(world.config) + "[attachments]\nconvert = \"off\"\n");
            r = world.cli("doctor");
            assertTrue(r.out().contains("• Office-attachment converter: off (config)"), r.describe());
        }
    }
}
