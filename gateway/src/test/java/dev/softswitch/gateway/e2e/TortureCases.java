package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The torture messages of {@code torture/expected.csv} and what each one's answer must be. */
final class TortureCases {

    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");
    /** The top Via: transport, sent-by host and port (folds already replaced by one SP). */
    private static final Pattern VIA = Pattern.compile(
            "(?im)^(?:via|v)[ \\t]*:[ \\t]*SIP[ \\t]*/[ \\t]*[^/]+/[ \\t]*([A-Za-z-]+)[ \\t]+(\\[[^\\]]*\\]|[^\\s:;,]+)(?:[ \\t]*:[ \\t]*(\\d+))?([^\\r\\n]*)");

    /** One message: its file under {@code torture/}, the RFC section, the allowed answers, whether it goes over TCP too. */
    record Case(String file, String section, String expected, boolean overTcp, String rfcSays) {

        byte[] bytes() {
            try (InputStream in = TortureCases.class.getResourceAsStream("/torture/" + file)) {
                if (in == null) {
                    throw new IllegalArgumentException("no test resource torture/" + file);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The message's Call-IDs (none, one, or several when it repeats the header), to tell its answers from others'. */
        List<String> callIds() {
            Matcher m = CALL_ID.matcher(new String(bytes(), StandardCharsets.ISO_8859_1));
            List<String> ids = new ArrayList<>();
            while (m.find()) {
                ids.add(m.group(1));
            }
            return ids;
        }

        /** The top Via's transport (upper case), port (0: none) and branch-bearing rest, for routing and reuse. */
        Matcher topVia() {
            String text = new String(bytes(), StandardCharsets.ISO_8859_1).replaceAll("\r\n[ \t]+", " ");
            Matcher m = VIA.matcher(text);
            return m.find() ? m : null;
        }

        String viaTransport() {
            Matcher m = topVia();
            return m == null ? "" : m.group(1).toUpperCase(java.util.Locale.ROOT);
        }

        /** What identifies the top Via's server transaction (RFC 3261 §17.2.3), roughly: sent-by and branch. */
        String transactionKey() {
            Matcher m = topVia();
            if (m == null) {
                return file;
            }
            Matcher branch = Pattern.compile("(?i)branch[ \t]*=[ \t]*([^;, \t]+)").matcher(m.group(4));
            return m.group(2) + ":" + m.group(3) + ";" + (branch.find() ? branch.group(1) : file);
        }

        List<String> allowed() {
            return Arrays.asList(expected.split("\\|"));
        }

        boolean expectsOnlySilence() {
            return expected.equals("drop");
        }

        /** Checks a final answer's status line (null: none came) against the table. */
        void assertAnswer(String statusLine) {
            String got = statusLine == null ? "drop" : statusLine.split(" ", 3)[1];
            assertThat(allowed()).as(file + " (RFC " + section + ": " + rfcSays + ") was answered " + statusLine)
                    .contains(got);
            if (got.equals("400")) {
                String reason = statusLine.split(" ", 3).length > 2 ? statusLine.split(" ", 3)[2] : "";
                assertThat(reason).as(file + ": a 400 names the problem").isNotBlank().isNotEqualTo("Bad Request");
            }
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private TortureCases() {
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = TortureCases.class.getResourceAsStream("/torture/expected.csv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int line = 0;
            for (String row : text.split("\n")) {
                line++;
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] f = row.split(",", 5);
                if (f.length != 5 || !(f[3].equals("yes") || f[3].equals("no"))) {
                    throw new IllegalArgumentException("torture/expected.csv line " + line
                            + ": want file,section,expected,yes|no,note but got: " + row);
                }
                cases.add(new Case(f[0], f[1], f[2], f[3].equals("yes"), f[4].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The loopback ports the messages' top Vias send UDP answers to (5060 when a Via names none). */
    static Set<Integer> responsePorts() {
        Set<Integer> ports = new TreeSet<>(List.of(5060));
        for (Case c : all()) {
            Matcher m = c.topVia();
            if (m != null && m.group(3) != null) {
                ports.add(Integer.parseInt(m.group(3)));
            }
        }
        return ports;
    }
}
