package dev.softswitch.gateway.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class at once, with the fix in the message, when {@code sipp} is not on the PATH.
 * No skipping: end-to-end tests that silently do not run prove nothing. {@code .ci/run} installs it.
 * Use as {@code @ExtendWith(SippAvailable.class)}; {@link SippProcess} also calls {@link #check()}.
 */
public final class SippAvailable implements BeforeAllCallback {

    static final String NOT_INSTALLED = "sipp not installed: apt-get install sip-tester";

    @Override
    public void beforeAll(ExtensionContext context) {
        check();
    }

    /** Throws {@link AssertionError} unless an executable {@code sipp} is on the PATH. */
    public static void check() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "sipp"))) {
                return;
            }
        }
        throw new AssertionError(NOT_INSTALLED + " (PATH=" + path + ")");
    }
}
