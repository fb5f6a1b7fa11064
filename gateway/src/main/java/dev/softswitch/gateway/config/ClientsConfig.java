package dev.softswitch.gateway.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which app client versions may use the service (SIG-6): the app's name as its User-Agent starts
 * ({@code SoftphoneApp/4.2.1 (Pixel 7; Android 14)}) and, per platform named in the User-Agent's
 * comment, the lowest version accepted. Other User-Agents are not checked.
 */
public record ClientsConfig(String app, Map<String, String> minimumVersions) {

    private static final Pattern VERSION = Pattern.compile("\\d{1,6}(\\.\\d{1,6}){0,3}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]*");

    public static final ClientsConfig NONE = new ClientsConfig("", Map.of());

    public ClientsConfig {
        Checks.present("app", app);
        if (!NAME.matcher(app).matches()) {
            throw new InvalidValueException("app", "\"" + app + "\" is not a User-Agent product name (letters, digits, . _ -)");
        }
        minimumVersions = Map.copyOf(Checks.present("minimumVersions", minimumVersions));
        minimumVersions.forEach((platform, version) -> {
            if (!VERSION.matcher(version).matches()) {
                throw new InvalidValueException("minimumVersions." + platform, "\"" + version
                        + "\" is not a version (use digits and dots, e.g. \"4.2.0\")");
            }
        });
        if (!minimumVersions.isEmpty() && app.isEmpty()) {
            throw new InvalidValueException("app", "is needed with minimumVersions (the User-Agent product, e.g. SoftphoneApp)");
        }
    }
}
