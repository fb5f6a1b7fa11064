package dev.softswitch.gateway.admin;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code java -jar gateway.jar hash-token}: reads an admin API token (from the terminal without echo, or the
 * first line of standard input) and prints the {@code sha256} key of {@code http.tokens}, so that no
 * configuration holds a token in clear.
 */
public final class HashTokenCommand {

    public static final String NAME = "hash-token";
    private static final int MIN_LENGTH = 16;

    private HashTokenCommand() {
    }

    /** Runs the command; returns the process exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            return usage(err, "unexpected argument: " + args.get(0));
        }
        String token;
        try {
            token = readToken();
        } catch (IOException e) {
            err.println("cannot read the token: " + e.getMessage());
            return 1;
        }
        if (token == null || token.isBlank()) {
            return usage(err, "the token is empty");
        }
        token = token.strip();
        if (token.length() < MIN_LENGTH) {
            return usage(err, "the token is shorter than " + MIN_LENGTH + " characters: use a long random one,"
                    + " e.g. openssl rand -hex 32");
        }
        out.println("sha256: \"" + ApiTokens.hash(token) + "\"");
        return 0;
    }

    private static String readToken() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("admin API token: ");
            return typed == null ? null : new String(typed);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    private static int usage(PrintStream err, String problem) {
        err.println(NAME + ": " + problem);
        err.println("usage: java -jar gateway.jar " + NAME + "   (the token on the terminal or the first line of"
                + " standard input; prints the sha256 for http.tokens)");
        return 64;
    }
}
