package dev.softswitch.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages read in one direction, the walk of one call: {@code transport} →
 * {@code transaction} → {@code b2bua} → {@code routing} / {@code sdp} / charging / media, with the
 * wiring ({@link Gateway}) alone at the top; and no main source file in any module outgrows one room.
 */
class ArchitectureTest {

    private static final String GATEWAY = "dev.softswitch.gateway";
    private static final int MAX_LINES = 500;

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(GATEWAY);

    private static String pkg(String name) {
        return GATEWAY + "." + name + "..";
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(GATEWAY + ".(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void transportKnowsNothingOfTheLayersAboveIt() {
        noClasses().that().resideInAPackage(pkg("transport"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkg("transaction"), pkg("b2bua"), pkg("routing"), pkg("probe"), pkg("admin"))
                .because("transport moves bytes and messages; what they mean is decided above it")
                .check(MAIN_CLASSES);
    }

    @Test
    void transactionsKnowNothingOfCallsRoutesOrProbes() {
        noClasses().that().resideInAPackage(pkg("transaction"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("b2bua"), pkg("routing"), pkg("probe"))
                .because("RFC 3261 §17 transactions serve any transaction user")
                .check(MAIN_CLASSES);
    }

    @Test
    void routingDecidesButDoesNotSend() {
        noClasses().that().resideInAPackage(pkg("routing"))
                .should().dependOnClassesThat().resideInAnyPackage(
                        pkg("transaction"), pkg("b2bua"), pkg("probe"), pkg("admin"))
                .because("routing decides where a call goes; b2bua sends it and probe sends OPTIONS")
                .check(MAIN_CLASSES);
    }

    @Test
    void sdpSipTimeAndConfigAreLeaves() {
        noClasses().that().resideInAnyPackage(pkg("sdp"), pkg("sip"), pkg("time"), pkg("config"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("b2bua"), pkg("transaction"), pkg("admin"))
                .check(MAIN_CLASSES);
    }

    @Test
    void onlyTheWiringReachesAdmin() {
        noClasses().that().resideOutsideOfPackages(GATEWAY, pkg("admin"))
                .should().dependOnClassesThat().resideInAPackage(pkg("admin"))
                .because("the admin HTTP surface sits on top; Gateway hands it what it shows")
                .check(MAIN_CLASSES);
    }

    @Test
    void theAdminApiSeesCallsAndTrunksOnlyThroughItsBackend() {
        noClasses().that().resideInAPackage(pkg("admin"))
                .should().dependOnClassesThat().resideInAnyPackage(pkg("b2bua"), pkg("routing"), pkg("transaction"),
                        pkg("transport"))
                .because("the wiring implements AdminBackend; the API only speaks JSON about what it hands over")
                .check(MAIN_CLASSES);
    }

    @Test
    void noMainSourceFileInAnyModuleIsOverFiveHundredLines() {
        // Surefire runs in the gateway module; its siblings with main sources are the other modules.
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sourceRoots = list(root).stream()
                .map(module -> module.resolve("src/main/java"))
                .filter(Files::isDirectory)
                .toList();
        assertThat(sourceRoots).extracting(p -> root.relativize(p).getName(0).toString())
                .contains("charging", "media-relay", "gateway");

        List<String> offenders = sourceRoots.stream()
                .flatMap(ArchitectureTest::javaFiles)
                .map(file -> Map.entry(root.relativize(file).toString(), lineCount(file)))
                .filter(e -> e.getValue() > MAX_LINES)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .map(e -> e.getKey() + ": " + e.getValue() + " lines")
                .toList();

        assertThat(offenders).as("main source files over %d lines", MAX_LINES).isEmpty();
    }

    @Test
    void theCallStaysACoordinatorUnderFourHundredLines() {
        // Call only coordinates its rooms (client leg, carrier attempts, re-INVITEs, media, charging);
        // new concerns get rooms of their own.
        Path call = Path.of("src/main/java/dev/softswitch/gateway/b2bua/Call.java");
        assertThat(lineCount(call)).as("lines of %s", call).isLessThan(400);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> javaFiles(Path sourceRoot) {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long lineCount(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
