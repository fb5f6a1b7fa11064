package dev.softswitch.gateway.sip;

import java.util.Random;

/**
 * Header lines near the shapes the fast reader takes: each built from random tokens in a valid
 * shape, then, half the time, bent by one to three edits (a character from the SIP delimiters, a
 * blank, a quote, a non-ASCII letter, inserted, replacing or deleting one), so both sides of every
 * check the reader makes get exercised.
 */
final class RandomLines {

    private static final String[] NAMES = {"Via", "v", "VIA", "From", "f", "FROM", "To", "t", "Call-ID", "i",
        "call-id", "CSeq", "cseq", "Contact", "m", "Max-Forwards", "Content-Length", "l", "Content-Type", "c", "Proxy-Authorization", "Authorization",
        "proxy-authorization", "V", "F", "T", "I", "M", "L", "C", "CONTENT-type", "max-FORWARDS", "cSeQ", "CONTACT",
        "AUTHORIZATION", "Subject", "s", "SUBJECT", "e", "k", "Vias", "Tos", "Fro", "Call-IDs", "Contacts", "Content-Lengths"};
    private static final String[] HOSTS = {"127.0.0.1", "192.0.2.10", "example.com", "GW.Example.COM", "a-b.c",
        "x", "1.2.3", "sip-host_1", "[::1]", "[2001:db8::1]"};
    private static final String[] USERS = {"alice", "+447400123456", "bench", "Bob.Smith", "a_b-c!~*'()",
        "0044", "user%20x", "u;x", "+1"};
    private static final String[] METHODS = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO",
        "UPDATE", "PRACK", "FOO", "Invite"};
    private static final String[] TRANSPORTS = {"UDP", "TCP", "TLS", "udp", "WS", "SCTP"};
    private static final String EDITS = ";:,<>\"@=?&%/ \t\\()[]*.+-_0aZé\u0000";

    private RandomLines() {
    }

    static String line(Random random) {
        String name = pick(random, NAMES);
        String value = switch (name.toLowerCase()) {
            case "via", "v", "vias" -> via(random);
            case "from", "f", "to", "t", "contact", "m", "tos", "fro", "contacts" -> address(random);
            case "subject", "s" -> random.nextBoolean() ? "basic-call" : token(random) + " " + token(random) + " ";
            case "call-id", "i" -> token(random) + (random.nextBoolean() ? "@" + pick(random, HOSTS) : "");
            case "cseq" -> random.nextInt(100_000) + " " + pick(random, METHODS);
            case "max-forwards" -> Integer.toString(random.nextInt(300));
            case "content-length", "l", "content-lengths" -> Integer.toString(random.nextInt(5000));
            case "proxy-authorization", "authorization" -> credentials(random);
            default -> token(random) + "/" + token(random);
        };
        String line = name + (random.nextInt(8) == 0 ? " : " : ": ") + value;
        return random.nextBoolean() ? line : bend(random, line);
    }

    /** Digest credentials as SIPp, baresip and Linphone write them, in a random order and spacing. */
    private static String credentials(Random random) {
        java.util.List<String> params = new java.util.ArrayList<>(java.util.List.of("username=\"" + token(random) + "\"",
                "realm=\"softswitch\"", "nonce=\"" + token(random) + "/" + token(random) + "\"", "uri=\"" + uri(random) + "\"",
                "response=\"" + token(random) + "\"", "algorithm=" + pick(random, new String[] {"MD5", "SHA-256", "\"MD5\""}),
                "cnonce=\"" + token(random) + "\"", "qop=" + pick(random, new String[] {"auth", "\"auth\""}),
                "nc=00000001", "opaque=\"\""));
        java.util.Collections.shuffle(params, random);
        return pick(random, new String[] {"Digest ", "Digest  ", "digest ", "Basic "})
                + String.join(pick(random, new String[] {",", ", ", ",\t", " , "}), params.subList(0, 1 + random.nextInt(params.size())));
    }

    private static String via(Random random) {
        StringBuilder b = new StringBuilder("SIP/2.0/").append(pick(random, TRANSPORTS)).append(' ')
                .append(hostPort(random));
        for (int k = random.nextInt(4); k > 0; k--) {
            b.append(';').append(pick(random, new String[] {"branch=z9hG4bK" + token(random), "rport",
                "rport=" + random.nextInt(70000), "received=" + pick(random, HOSTS), "ttl=1", "maddr=x", token(random)}));
        }
        return b.toString();
    }

    /** A name-addr or addr-spec, bent half the time. */
    static String addressText(Random random) {
        String text = random.nextBoolean() ? address(random) : uri(random);
        return random.nextBoolean() ? text : bend(random, text);
    }

    /** A sip: or sips: URI, bent half the time. */
    static String uriText(Random random) {
        String text = uri(random);
        return random.nextBoolean() ? text : bend(random, text);
    }

    private static String address(Random random) {
        String uri = uri(random);
        StringBuilder b = new StringBuilder();
        switch (random.nextInt(4)) {
            case 0 -> b.append(uri.replaceAll(";.*", ""));
            case 1 -> b.append('<').append(uri).append('>');
            case 2 -> b.append(token(random)).append(random.nextBoolean() ? " " : "  ").append('<').append(uri).append('>');
            default -> b.append('"').append(token(random)).append(' ').append(token(random)).append("\" <").append(uri)
                    .append('>');
        }
        for (int k = random.nextInt(3); k > 0; k--) {
            b.append(';').append(pick(random, new String[] {"tag=" + token(random), "expires=3600", "q=0.5", "lr",
                "+sip.ice", token(random)}));
        }
        return b.toString();
    }

    private static String uri(Random random) {
        StringBuilder b = new StringBuilder(random.nextInt(5) == 0 ? "sips:" : "sip:");
        if (random.nextInt(4) != 0) {
            b.append(pick(random, USERS)).append('@');
        }
        b.append(hostPort(random));
        for (int k = random.nextInt(3); k > 0; k--) {
            b.append(';').append(pick(random, new String[] {"transport=" + pick(random, TRANSPORTS), "lr", "user=phone",
                "ob", "maddr=" + pick(random, HOSTS)}));
        }
        return b.toString();
    }

    private static String hostPort(Random random) {
        String host = pick(random, HOSTS);
        return random.nextBoolean() ? host : host + ":" + pick(random, new String[] {"5060", "1", "65535", "99999",
            "123456", "0", "x"});
    }

    private static String token(Random random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!*_+`'~";
        StringBuilder b = new StringBuilder();
        for (int k = 1 + random.nextInt(12); k > 0; k--) {
            b.append(alphabet.charAt(random.nextInt(random.nextInt(4) == 0 ? alphabet.length() : 62)));
        }
        return b.toString();
    }

    private static String bend(Random random, String line) {
        StringBuilder b = new StringBuilder(line);
        for (int k = 1 + random.nextInt(3); k > 0 && b.length() > 1; k--) {
            int at = 1 + random.nextInt(b.length() - 1);
            char c = EDITS.charAt(random.nextInt(EDITS.length()));
            switch (random.nextInt(3)) {
                case 0 -> b.insert(at, c);
                case 1 -> b.setCharAt(at, c);
                default -> b.deleteCharAt(at);
            }
        }
        return b.toString();
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
