package dev.softswitch.gateway.auth;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code java -jar gateway.jar hash-password ACCOUNT [--realm REALM]}: reads a password (from the
 * terminal without echo, or the first line of standard input) and prints the account's YAML keys
 * {@code ha1Sha256} and {@code ha1Md5}, so that no configuration ever holds a plaintext password.
 */
public final class HashPasswordCommand {

    public static final String NAME = "hash-password";
    private static final String DEFAULT_REALM = "softswitch";

    private HashPasswordCommand() {
    }

    /** Runs the command; returns the process exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String account = null;
        String realm = DEFAULT_REALM;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--realm") && i + 1 < args.size()) {
                realm = args.get(++i);
            } else if (!a.startsWith("-") && account == null) {
                account = a;
            } else {
                return usage(err, "unexpected argument: " + a);
            }
        }
        if (account == null) {
            return usage(err, "name the account");
        }
        String password;
        try {
            password = readPassword(account);
        } catch (IOException e) {
            err.println("cannot read the password: " + e.getMessage());
            return 1;
        }
        if (password == null || password.isEmpty()) {
            return usage(err, "the password is empty");
        }
        DigestCredentials c = DigestCredentials.derive(account, realm, password);
        out.println("# account " + account + ", realm \"" + realm + "\" (auth.realm must say the same)");
        out.println("ha1Sha256: \"" + c.ha1(DigestAlgorithm.SHA_256).orElseThrow() + "\"");
        out.println("ha1Md5: \"" + c.ha1(DigestAlgorithm.MD5).orElseThrow() + "\"");
        return 0;
    }

    private static String readPassword(String account) throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("password for %s: ", account);
            return typed == null ? null : new String(typed);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.readLine();
    }

    private static int usage(PrintStream err, String problem) {
        err.println(NAME + ": " + problem);
        err.println("usage: java -jar gateway.jar " + NAME + " ACCOUNT [--realm REALM]   (password on the terminal or"
                + " the first line of standard input)");
        return 64;
    }
}
