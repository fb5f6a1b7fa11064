package dev.softswitch.gateway.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SDP body (RFC 4566) as its lines: the session part and each m= section, checked against the line
 * grammar of section 5 as they are read. The lines stay as they came (bytes read as ISO-8859-1, so that
 * every byte goes back out unchanged); {@link SdpRewriter} edits the few it must and {@link #encode()}
 * writes them back with CRLF. The e= and p= lines are dropped on reading: the caller's e-mail and phone
 * are nobody else's business.
 */
final class SdpBody {

    private static final String LINE_TYPES = "vosiuepcbtrzkam";
    private static final Pattern ORIGIN = Pattern.compile("o=\\S+ (\\d+) (\\d+) IN IP[46] \\S+");
    private static final Pattern CONNECTION = Pattern.compile("c=IN (IP[46]) (\\S+)");
    private static final Pattern MEDIA = Pattern.compile("m=([\\w-]+) (\\d{1,5})(/\\d{1,5})? (\\S+)((?: \\S+)+)");
    /** RFC 4566 §5.8: a bandwidth type and a number of kilobits per second that fits an int. */
    private static final Pattern BANDWIDTH = Pattern.compile("b=[\\w.!%*+`'~-]+:\\d{1,9}");

    /** One m= section: the fields of its m= line and the lines under it, in order. */
    static final class Media {
        final String type;
        int port;
        final String portCount;
        String protocol;
        final String formats;
        final List<String> lines = new ArrayList<>();

        private Media(String type, int port, String portCount, String protocol, String formats) {
            this.type = type;
            this.port = port;
            this.portCount = portCount;
            this.protocol = protocol;
            this.formats = formats;
        }

        /** The payload formats of the m= line, in order. */
        List<String> formatList() {
            return List.of(formats.substring(1).split(" "));
        }

        String connectionLine() {
            return SdpBody.first(lines, 'c');
        }
    }

    /** The session part's lines, in order, starting with v=0. */
    final List<String> session = new ArrayList<>();
    final List<Media> media = new ArrayList<>();
    /** Index in {@link #session} of the o= line, and its sess-id and sess-version as written (any length). */
    int originIndex = -1;
    String originId;
    String originVersion;

    private SdpBody() {
    }

    /**
     * Reads and checks a body.
     *
     * @throws SdpException with a reason phrase fit for a 488 if a line breaks the grammar
     */
    static SdpBody parse(byte[] body) throws SdpException {
        Objects.requireNonNull(body, "body");
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) {
            throw new SdpException("SDP body is empty");
        }
        List<String> lines = lines(text);
        SdpBody sdp = new SdpBody();
        Media current = null;
        String badPort = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException("SDP line " + number + " is malformed");
            }
            char type = line.charAt(0);
            if (LINE_TYPES.indexOf(type) < 0) {
                throw new SdpException("SDP line " + number + " has unknown type " + type);
            }
            if (i == 0 && !line.equals("v=0")) {
                throw new SdpException("SDP does not start with v=0");
            }
            switch (type) {
                case 'o' -> {
                    if (sdp.originIndex >= 0 || current != null) {
                        throw new SdpException("SDP origin line " + number + " is out of place");
                    }
                    Matcher origin = require(ORIGIN, line, "SDP origin line malformed");
                    sdp.originId = origin.group(1);
                    sdp.originVersion = origin.group(2);
                    sdp.originIndex = sdp.session.size();
                }
                case 'c' -> require(CONNECTION, line, "SDP connection line malformed");
                case 'm' -> {
                    Matcher m = require(MEDIA, line, "SDP media line malformed");
                    int port = Integer.parseInt(m.group(2));
                    if (port > 65535 && badPort == null) {
                        badPort = m.group(2); // reported once every line has passed the grammar
                    }
                    current = new Media(m.group(1), port, m.group(3), m.group(4), m.group(5));
                    sdp.media.add(current);
                    continue;
                }
                case 'b' -> require(BANDWIDTH, line, "SDP bandwidth line malformed");
                case 'a' -> {
                    if (attributeName(line).isEmpty()) {
                        throw new SdpException("SDP attribute line malformed");
                    }
                }
                case 'e', 'p' -> {
                    continue;
                }
                default -> { }
            }
            (current == null ? sdp.session : current.lines).add(line);
        }
        if (sdp.originIndex < 0) {
            throw new SdpException("SDP origin line missing");
        }
        if (badPort != null) {
            throw new SdpException("SDP media port " + badPort + " is out of range (0..65535)");
        }
        return sdp;
    }

    /** The body with CRLF after every line (RFC 4566 §5). */
    byte[] encode() {
        StringBuilder out = new StringBuilder(512);
        for (String line : session) {
            out.append(line).append("\r\n");
        }
        for (Media m : media) {
            out.append("m=").append(m.type).append(' ').append(m.port);
            if (m.portCount != null) {
                out.append(m.portCount);
            }
            out.append(' ').append(m.protocol).append(m.formats).append("\r\n");
            for (String line : m.lines) {
                out.append(line).append("\r\n");
            }
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    String sessionConnectionLine() {
        return first(session, 'c');
    }

    /** The attribute's name: what follows "a=" up to a colon, trimmed; empty for a line of another type. */
    static String attributeName(String line) {
        if (line.charAt(0) != 'a') {
            return "";
        }
        int colon = line.indexOf(':', 2);
        return (colon < 0 ? line.substring(2) : line.substring(2, colon)).trim();
    }

    /** The attribute's value after the colon, trimmed, or null for a flag (no colon) or another line type. */
    static String attributeValue(String line) {
        int colon = line.charAt(0) == 'a' ? line.indexOf(':', 2) : -1;
        return colon < 0 ? null : line.substring(colon + 1).trim();
    }

    /** Removes the attribute lines whose name passes {@code names}. */
    static void removeAttributes(List<String> lines, Predicate<String> names) {
        lines.removeIf(line -> line.charAt(0) == 'a' && names.test(attributeName(line)));
    }

    /** The values of the attribute lines named {@code name} that have one, in order. */
    static List<String> attributeValues(List<String> lines, String name) {
        List<String> values = new ArrayList<>(2);
        for (String line : lines) {
            if (line.charAt(0) == 'a' && name.equals(attributeName(line))) {
                String value = attributeValue(line);
                if (value != null) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** Whether an attribute line named {@code name} is among {@code lines}. */
    static boolean hasAttribute(List<String> lines, Predicate<String> names) {
        for (String line : lines) {
            if (line.charAt(0) == 'a' && names.test(attributeName(line))) {
                return true;
            }
        }
        return false;
    }

    /** The address type (IP4 or IP6) and address of a c= line, its TTL and count (after '/') left out. */
    static String[] connection(String line) {
        Matcher m = CONNECTION.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("checked on parsing: " + line);
        }
        String host = m.group(2);
        int slash = host.indexOf('/');
        return new String[] {m.group(1), slash < 0 ? host : host.substring(0, slash)};
    }

    private static String first(List<String> lines, char type) {
        for (String line : lines) {
            if (line.charAt(0) == type) {
                return line;
            }
        }
        return null;
    }

    /** The lines of {@code text}, split at LF or CRLF, without the empty lines at its end. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(16);
        int start = 0;
        int length = text.length();
        while (start < length) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? length : lf;
            int cut = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(text.substring(start, cut));
            start = lf < 0 ? length : lf + 1;
        }
        int count = lines.size();
        while (count > 0 && lines.get(count - 1).isEmpty()) {
            lines.remove(--count);
        }
        return lines;
    }

    private static Matcher require(Pattern pattern, String line, String reason) throws SdpException {
        Matcher matcher = pattern.matcher(line);
        if (!matcher.matches()) {
            throw new SdpException(reason);
        }
        return matcher;
    }
}
