package dev.softswitch.gateway.auth;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses app clients older than the configured minimum version of their platform (SIG-6), read
 * from a User-Agent like {@code SoftphoneApp/4.2.1 (Pixel 7; Android 14)}: the product names the app,
 * its version is compared number by number, and the platform is the first configured name found as a
 * word in the comment. A User-Agent of another product, or of a platform without a minimum, passes.
 */
public final class ClientVersionCheck {

    public static final ClientVersionCheck NONE = new ClientVersionCheck("", Map.of());

    private final String app;
    private final Map<String, String> minimumVersions;
    /** Each platform's name as a whole word, compiled once: the check runs on every new INVITE. */
    private final Map<String, Pattern> platforms;
    private final Pattern userAgent;

    public ClientVersionCheck(String app, Map<String, String> minimumVersions) {
        this.app = app;
        this.minimumVersions = Map.copyOf(minimumVersions);
        this.platforms = this.minimumVersions.keySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                p -> p, p -> Pattern.compile("\\b" + Pattern.quote(p) + "\\b", Pattern.CASE_INSENSITIVE)));
        this.userAgent = Pattern.compile("^\\s*" + Pattern.quote(app) + "/(\\d+(?:\\.\\d+)*)\\S*\\s*(?:\\(([^)]*)\\))?");
    }

    /** The reason phrase that refuses {@code userAgent} (null: none sent), or empty when it may go on. */
    public Optional<String> refusal(String userAgent) {
        if (minimumVersions.isEmpty() || userAgent == null) {
            return Optional.empty();
        }
        Matcher m = this.userAgent.matcher(userAgent);
        if (!m.find()) {
            return Optional.empty();
        }
        String comment = m.group(2) == null ? "" : m.group(2);
        for (Map.Entry<String, String> e : minimumVersions.entrySet()) {
            if (platforms.get(e.getKey()).matcher(comment).find()
                    && compare(m.group(1), e.getValue()) < 0) {
                return Optional.of("Update Required: install " + app + " " + e.getValue() + " or later on "
                        + e.getKey());
            }
        }
        return Optional.empty();
    }

    /** Compares dotted versions number by number; a missing number counts as 0 (4.2 = 4.2.0). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? parse(x[i]) : 0;
            long q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long parse(String digits) {
        return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
}
