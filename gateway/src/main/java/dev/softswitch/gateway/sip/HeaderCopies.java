package dev.softswitch.gateway.sip;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.SIPHeader;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.header.Header;

/**
 * Headers the gateway adds with the same few values to every call (Supported: timer, Session-Expires,
 * Min-SE): JAIN-SIP parses a header's text with its lexer each time it is created, so each distinct
 * name and value is parsed once and every caller gets its own copy ({@code clone}, a deep copy), never
 * the kept one. At most {@value #MAX_KEPT} texts are kept; past that they are parsed as before. Safe
 * from any thread: kept headers are only ever read, to be copied.
 */
public final class HeaderCopies {

    static final int MAX_KEPT = 64;

    private static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
    private static final Map<String, SIPHeader> KEPT = new ConcurrentHashMap<>();

    private HeaderCopies() {
    }

    /** What {@code HeaderFactory.createHeader(name, value)} makes, as a fresh object the caller may change. */
    public static Header of(String name, String value) throws ParseException {
        String key = name + ':' + value;
        SIPHeader kept = KEPT.get(key);
        if (kept == null) {
            kept = (SIPHeader) HEADERS.createHeader(name, value);
            if (KEPT.size() < MAX_KEPT) {
                KEPT.putIfAbsent(key, kept);
            }
        }
        return (Header) kept.clone();
    }
}
