package dev.softswitch.charging;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The layout of {@code charging}: its packages form no cycle, and it knows nothing of SIP, Netty or the other modules. */
class ArchitectureTest {

    private static final JavaClasses CHARGING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.softswitch.charging");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.softswitch.charging.(*)..").should().beFreeOfCycles().check(CHARGING);
    }

    /** What is recorded (events, journal, call records) and priced (money, tariffs) knows nothing of who records it. */
    @Test
    void accountsAndSessionsSitAboveWhatTheyRecord() {
        noClasses().that().resideInAnyPackage("dev.softswitch.charging.money..", "dev.softswitch.charging.tariff..",
                        "dev.softswitch.charging.cdr..", "dev.softswitch.charging.event..",
                        "dev.softswitch.charging.journal..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.softswitch.charging.account..",
                        "dev.softswitch.charging.session..")
                .check(CHARGING);
    }

    @Test
    void chargingKnowsNothingOfSipNettyTheGatewayOrTheMediaRelay() {
        noClasses().that().resideInAPackage("dev.softswitch.charging..")
                .should().dependOnClassesThat().resideInAnyPackage("javax.sip..", "gov.nist..", "io.netty..",
                        "dev.softswitch.gateway..", "dev.softswitch.media..")
                .check(CHARGING);
    }
}
