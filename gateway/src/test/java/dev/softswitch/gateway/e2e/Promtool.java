package dev.softswitch.gateway.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}) on rule files. A test that needs
 * it fails, with the fix in the message, when it is not on the PATH: a check that silently does not
 * run proves nothing. {@code .ci/run} installs it.
 */
final class Promtool {

    static final String NOT_INSTALLED =
            "promtool not installed: apt-get install -y --no-install-recommends prometheus (.ci/run does)";

    /** What one run printed (stdout and stderr together) and how it exited. */
    record Result(List<String> command, int exitCode, String output) {

        /** The command line and its output, for a report or an assertion message. */
        String transcript() {
            return "$ " + String.join(" ", command) + " (exit " + exitCode + ")\n" + output;
        }
    }

    private final Path executable;

    private Promtool(Path executable) {
        this.executable = executable;
    }

    /** promtool from the process's PATH; an {@link AssertionError} saying how to install it if absent. */
    static Promtool onPath() {
        return new Promtool(locate(System.getenv().getOrDefault("PATH", "")));
    }

    static Path locate(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool");
            }
        }
        throw new AssertionError(NOT_INSTALLED + " (PATH=" + path + ")");
    }

    /** {@code promtool check rules files…}; an {@link AssertionError} with its output unless it succeeds. */
    Result checkRules(Path... files) {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        for (Path f : files) {
            args.add(f.toString());
        }
        return succeed(run(args));
    }

    /** {@code promtool test rules file}; an {@link AssertionError} with its output unless every case passes. */
    Result testRules(Path file) {
        return succeed(run(List.of("test", "rules", file.toString())));
    }

    private Result succeed(Result r) {
        if (r.exitCode() != 0) {
            throw new AssertionError(r.transcript());
        }
        return r;
    }

    private Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + ": no exit within 60 s");
            }
            return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
