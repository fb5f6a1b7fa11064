package dev.softswitch.gateway.e2e;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SIP message as SIPp logged it with {@code -trace_msg}: when, which way, over what, and its text
 * (start line, headers, blank line, body). {@link #parseLog(String)} reads a whole message file.
 */
public record SippMessage(LocalDateTime loggedAt, Direction direction, String transport, String text) {

    /** Whether SIPp sent or received the message. */
    public enum Direction { SENT, RECEIVED }

    private static final Pattern SEPARATOR =
            Pattern.compile("^-{20,} (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d+)$", Pattern.MULTILINE);
    private static final Pattern DESCRIPTION =
            Pattern.compile("^(\\w+) message (sent|received)\\b.*$", Pattern.MULTILINE);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    public SippMessage {
        Objects.requireNonNull(loggedAt, "loggedAt");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Parses SIPp's message log: entries separated by a dashed line with a timestamp, then
     * {@code UDP message received [523] bytes :} or {@code TCP message sent (311 bytes):}, a blank line
     * and the message. Entries that are not messages (SIPp notes) are skipped.
     */
    public static List<SippMessage> parseLog(String log) {
        List<SippMessage> messages = new ArrayList<>();
        Matcher separator = SEPARATOR.matcher(log);
        List<int[]> starts = new ArrayList<>();
        List<String> stamps = new ArrayList<>();
        while (separator.find()) {
            starts.add(new int[] {separator.start(), separator.end()});
            stamps.add(separator.group(1));
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : log.length();
            String entry = log.substring(starts.get(i)[1], end).replaceFirst("^\\R", "");
            Matcher description = DESCRIPTION.matcher(entry);
            if (!description.lookingAt()) {
                continue;
            }
            String text = entry.substring(description.end()).replaceFirst("^(\\R)+", "").stripTrailing();
            messages.add(new SippMessage(
                    LocalDateTime.parse(padMicros(stamps.get(i)), TIMESTAMP),
                    description.group(2).equals("sent") ? Direction.SENT : Direction.RECEIVED,
                    description.group(1),
                    text.replaceAll("\\R", "\r\n")));
        }
        return messages;
    }

    private static String padMicros(String stamp) {
        int dot = stamp.lastIndexOf('.');
        String fraction = (stamp.substring(dot + 1) + "000000").substring(0, 6);
        return stamp.substring(0, dot + 1) + fraction;
    }

    /** The start line, e.g. {@code INVITE sip:+447400123456@127.0.0.1:5080 SIP/2.0} or {@code SIP/2.0 180 Ringing}. */
    public String startLine() {
        int end = text.indexOf("\r\n");
        return end < 0 ? text : text.substring(0, end);
    }

    /** True for a request with this method (case-sensitive, as in RFC 3261 §7.1). */
    public boolean isRequest(String method) {
        return startLine().startsWith(method + " ");
    }

    /** The status code of a response, or empty for a request. */
    public Optional<Integer> statusCode() {
        String line = startLine();
        if (!line.startsWith("SIP/2.0 ") || line.length() < 11) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(line.substring(8, 11)));
    }

    /** The Request-URI of a request, e.g. {@code sip:+447400123456@127.0.0.1:5080}. */
    public Optional<String> requestUri() {
        String[] parts = startLine().split(" ");
        return parts.length == 3 && parts[2].equals("SIP/2.0") ? Optional.of(parts[1]) : Optional.empty();
    }

    /** The first value of a header, by full or compact name ignoring case (RFC 3261 §7.3.3), trimmed. */
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** All values of a header in order, one per header line (no splitting at commas). */
    public List<String> headers(String name) {
        String compact = compactForm(name);
        List<String> values = new ArrayList<>();
        for (String line : headerLines()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String lineName = line.substring(0, colon).trim();
            if (lineName.equalsIgnoreCase(name) || (compact != null && lineName.equalsIgnoreCase(compact))) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** The body after the blank line, e.g. the SDP; empty when there is none. */
    public String body() {
        int blank = text.indexOf("\r\n\r\n");
        return blank < 0 ? "" : text.substring(blank + 4);
    }

    private List<String> headerLines() {
        int blank = text.indexOf("\r\n\r\n");
        String head = blank < 0 ? text : text.substring(0, blank);
        String[] lines = head.split("\r\n");
        List<String> unfolded = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if ((lines[i].startsWith(" ") || lines[i].startsWith("\t")) && !unfolded.isEmpty()) {
                unfolded.set(unfolded.size() - 1, unfolded.get(unfolded.size() - 1) + " " + lines[i].trim());
            } else {
                unfolded.add(lines[i]);
            }
        }
        return unfolded;
    }

    private static String compactForm(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "call-id" -> "i";
            case "contact" -> "m";
            case "content-encoding" -> "e";
            case "content-length" -> "l";
            case "content-type" -> "c";
            case "from" -> "f";
            case "subject" -> "s";
            case "supported" -> "k";
            case "to" -> "t";
            case "via" -> "v";
            default -> null;
        };
    }

    @Override
    public String toString() {
        return loggedAt + " " + direction + " " + transport + " " + startLine();
    }
}
