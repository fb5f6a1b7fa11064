package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The raw-byte checks JAIN-SIP's parser does not make (RFC 4475 §3.1.2.16, §3.3.8; RFC 5118 §4.2, §4.10). */
class SipRequestSyntaxTest {

    private static SipDecodeResult check(String startLine, String... headers) {
        String text = startLine + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
        return SipRequestSyntax.check(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void anotherSipVersionIs505NamingIt() {
        SipDecodeResult r = check("OPTIONS sip:a@example.org SIP/7.0", "Via: SIP/7.0/UDP h;branch=z9hG4bK1");
        assertThat(r.statusCode()).isEqualTo(505);
        assertThat(r.reasonPhrase()).isEqualTo("Version Not Supported (SIP/7.0)");
    }

    @Test
    void anIpv6AddressWithoutBracketsIs400() {
        assertThat(check("REGISTER sip:2001:db8::10 SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: an IPv6 address must be enclosed in brackets)");
    }

    @Test
    void threeColonsAreNoIpv6Address() {
        assertThat(check("OPTIONS sip:user@[2001:db8:::192.0.2.1] SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: [2001:db8:::192.0.2.1] is not an IPv6 address)");
    }

    @Test
    void aPortOutOfRangeIs400() {
        assertThat(check("OPTIONS sip:user@example.com:99999 SIP/2.0").reasonPhrase())
                .isEqualTo("Bad Request (Malformed Request-URI: port '99999' is not a number from 0 to 65535)");
    }

    @Test
    void aSingleValuedHeaderTwiceIs400NamingIt() {
        assertThat(check("INVITE sip:u@example.com SIP/2.0", "Call-ID: a", "CSeq: 1 INVITE", "i: b").reasonPhrase())
                .isEqualTo("Bad Request (Multiple Call-ID headers)");
    }

    @Test
    void validRequestsPass() {
        assertThat(check("OPTIONS sip:user@[2001:db8::10:5070] SIP/2.0", "Call-ID: a", "CSeq: 1 OPTIONS")).isNull();
        assertThat(check("REGISTER sip:[2001:db8::10]:5070 SIP/2.0")).isNull();
        assertThat(check("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0")).isNull();
        assertThat(check("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0")).isNull();
        assertThat(check("SIP/2.0 200 OK", "Call-ID: a", "Call-ID: b")).isNull();
    }
}
