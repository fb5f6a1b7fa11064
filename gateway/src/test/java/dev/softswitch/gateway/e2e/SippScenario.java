package dev.softswitch.gateway.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;

/**
 * One side of a call flow kept in {@code sipp-scenarios/<flow>/uac.xml|uas.xml} at the repository root.
 * The directory is found from the {@code sipp.scenarios} system property if set, else from the gateway
 * module's basedir ({@code ../sipp-scenarios}), else by walking up from the working directory.
 */
public record SippScenario(String flow, Role role) {

    /** Which side of the call the scenario plays. */
    public enum Role {
        UAC("uac.xml"),
        UAS("uas.xml");

        private final String fileName;

        Role(String fileName) {
            this.fileName = fileName;
        }
    }

    public SippScenario {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(role, "role");
        if (flow.isBlank() || flow.contains("/") || flow.contains("..")) {
            throw new IllegalArgumentException("flow must be a directory name under sipp-scenarios: " + flow);
        }
    }

    /** The caller side of {@code flow}, e.g. {@code uac("basic-call")}. */
    public static SippScenario uac(String flow) {
        return new SippScenario(flow, Role.UAC);
    }

    /** The callee side of {@code flow}, e.g. {@code uas("basic-call")}. */
    public static SippScenario uas(String flow) {
        return new SippScenario(flow, Role.UAS);
    }

    /** The scenario file; fails with the path tried when it does not exist. */
    public Path path() {
        Path file = directory().resolve(flow).resolve(role.fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no SIPp scenario " + file);
        }
        return file;
    }

    /** The {@code sipp-scenarios} directory of this checkout. */
    public static Path directory() {
        String configured = System.getProperty("sipp.scenarios");
        if (configured != null) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path basedir = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        Path sibling = basedir.resolve("../sipp-scenarios").toAbsolutePath().normalize();
        if (Files.isDirectory(sibling)) {
            return sibling;
        }
        for (Path dir = basedir.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sipp-scenarios");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sipp-scenarios not found from " + basedir.toAbsolutePath()
                + "; set -Dsipp.scenarios=<dir>");
    }

    @Override
    public String toString() {
        return flow + "/" + role.fileName;
    }
}
