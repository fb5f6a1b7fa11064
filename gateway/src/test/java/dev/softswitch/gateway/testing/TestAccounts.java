package dev.softswitch.gateway.testing;

import dev.softswitch.gateway.auth.DigestAlgorithm;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test accounts' passwords: account {@code X}'s is {@code X-demo}, as for the demo accounts in the
 * embedded configuration, stored as HA1 hashes for the default realm like a real configuration.
 */
public final class TestAccounts {

    public static final String REALM = "softswitch";

    private static final Pattern ACCOUNT = Pattern.compile("\\{ id: ([A-Za-z0-9._~+-]+),");

    private TestAccounts() {
    }

    public static String password(String account) {
        return account + "-demo";
    }

    /** The account's YAML keys {@code ha1Sha256: "…", ha1Md5: "…"} for its test password. */
    public static String ha1Keys(String account) {
        return "ha1Sha256: \"" + DigestAlgorithm.SHA_256.ha1(account, REALM, password(account)) + "\", ha1Md5: \""
                + DigestAlgorithm.MD5.ha1(account, REALM, password(account)) + "\"";
    }

    /**
     * {@code yaml} with every account written as {@code - { id: X, … }} given its test password, and,
     * unless the file says otherwise, challenges that offer MD5 first: SIPp answers only MD5 and takes
     * the topmost challenge.
     */
    public static String withPasswords(String yaml) {
        Matcher m = ACCOUNT.matcher(yaml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("{ id: " + m.group(1) + ", " + ha1Keys(m.group(1)) + ","));
        }
        m.appendTail(out);
        String text = out.toString();
        if (!text.matches("(?s).*(^|\\n)auth:.*")) {
            text = text + (text.endsWith("\n") ? "" : "\n") + "auth: { algorithms: [MD5, SHA-256] }\n";
        }
        return text;
    }
}
