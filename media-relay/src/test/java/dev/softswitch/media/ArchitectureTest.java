package dev.softswitch.media;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module's layout as rules: no package cycle (the relay façade in {@code dev.softswitch.media}
 * depends on {@code session}, never the reverse), and the relay knows nothing of charging or SIP.
 */
class ArchitectureTest {

    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.softswitch.media");
    }

    @Test
    void packagesFormNoCycle() {
        // Captured from dev.softswitch, so the root package "media" is a slice of its own beside
        // "media.session", "media.pipeline" and the others.
        slices().matching("dev.softswitch.(**)")
                .should().beFreeOfCycles()
                .check(mainClasses);
    }

    @Test
    void mediaRelayKnowsNothingOfChargingOrTheGateway() {
        noClasses().that().resideInAPackage("dev.softswitch.media..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.softswitch.charging..", "dev.softswitch.gateway..")
                .check(mainClasses);
    }
}
