package dev.softswitch.gateway.sdp;

import dev.softswitch.media.srtp.SrtpMasterKey;
import dev.softswitch.media.srtp.SrtpSuite;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SDES crypto attribute (RFC 4568 section 9.1): {@code a=crypto:<tag> <suite> inline:<key||salt>}.
 * Only the suites the relay speaks, one inline key, no MKI and no session parameters are accepted;
 * other attributes of an offer are skipped so that a supported one can be chosen. The key is never
 * printed: {@link #toString()} leaves it out.
 *
 * @param tag the attribute's tag, echoed in the answer (section 5.1.2)
 * @param key the suite and the master key and salt
 */
public record SdpCrypto(int tag, SrtpMasterKey key) {

    /** tag, suite, inline key, optional lifetime ("|2^31" or "|1000"), nothing after. */
    private static final Pattern CRYPTO = Pattern.compile(
            "(\\d{1,9}) ([A-Z0-9_]+) inline:([A-Za-z0-9+/=]+)(\\|(2\\^\\d{1,2}|\\d{1,20}))?");

    public SdpCrypto {
        Objects.requireNonNull(key, "key");
        if (tag < 0) {
            throw new IllegalArgumentException("crypto tag " + tag + " must not be negative");
        }
    }

    /**
     * Reads the value of an a=crypto attribute (what follows {@code "a=crypto:"}).
     *
     * @return empty if the attribute is well-formed but asks for something the relay does not
     *         support (another suite, MKI, several keys, session parameters)
     * @throws SdpException if the attribute is malformed or its key is not 30 bytes of base64
     */
    public static Optional<SdpCrypto> parse(String value) throws SdpException {
        String[] parts = Objects.requireNonNull(value, "value").trim().split(" ");
        if (parts.length < 3 || !parts[0].matches("\\d{1,9}") || !parts[2].startsWith("inline:")) {
            throw new SdpException("SDP crypto attribute malformed");
        }
        Optional<SrtpSuite> suite = SrtpSuite.forName(parts[1]);
        Matcher m = CRYPTO.matcher(value.trim());
        if (suite.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SdpCrypto(Integer.parseInt(m.group(1)),
                    SrtpMasterKey.fromInline(suite.get(), m.group(3))));
        } catch (IllegalArgumentException e) {
            throw new SdpException("SDP crypto key malformed");
        }
    }

    /**
     * Chooses the first supported attribute of an offer (RFC 4568 section 7.1.2: the answerer picks
     * one).
     *
     * @param values the offer's a=crypto values, in order
     * @throws SdpException "No supported SRTP crypto suite" if none is usable, for a 488
     */
    public static SdpCrypto select(List<String> values) throws SdpException {
        for (String value : values) {
            Optional<SdpCrypto> crypto = parse(value);
            if (crypto.isPresent()) {
                return crypto.get();
            }
        }
        throw new SdpException("No supported SRTP crypto suite");
    }

    /** The relay's answer to this attribute: same tag and suite, a fresh key of its own. */
    public SdpCrypto withFreshKey(SecureRandom random) {
        return new SdpCrypto(tag, SrtpMasterKey.generate(key.suite(), random));
    }

    /** The attribute value, {@code "<tag> <suite> inline:<base64>"}, key included: for the SDP only. */
    public String toAttributeValue() {
        return tag + " " + key.suite().name() + " inline:" + key.toInline();
    }

    @Override
    public String toString() {
        return "SdpCrypto[" + tag + " " + key.suite() + ", key hidden]";
    }
}
