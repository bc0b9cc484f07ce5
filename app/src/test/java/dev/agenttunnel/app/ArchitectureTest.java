package dev.agenttunnel.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency direction of DESIGN.md: the domain and the actor tree never see JDA, pty4j or picocli. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.agenttunnel");

    @Test
    void coreAndActorsStayFreeOfAdaptersAndTheCli() {
        noClasses().that().resideInAnyPackage("dev.agenttunnel.core..", "dev.agenttunnel.actors..")
                .should().dependOnClassesThat().resideInAnyPackage("net.dv8tion..", "com.pty4j..", "picocli..")
                .check(CLASSES);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.agenttunnel.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.agenttunnel.hooks..", "dev.agenttunnel.headless..",
                        "dev.agenttunnel.tmux..", "dev.agenttunnel.actors..", "dev.agenttunnel.discord..", "dev.agenttunnel.app..",
                        "org.apache.pekko..")
                .check(CLASSES);
    }
}
