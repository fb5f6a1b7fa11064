package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.testing.SipMessageFixtures;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 3261 §8.2.2/§8.2.3 checks as RFC 4475 §3.3.2-§3.3.4, §3.3.6 and §3.3.15 ask. */
class RequestChecksTest {

    private static final String SDP = "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";

    private static Optional<SIPResponse> check(SipMessageFixtures.RequestBuilder b) throws Exception {
        return RequestChecks.refusal(b.build());
    }

    @Test
    void anUnknownRequestUriSchemeIs416NamingIt() throws Exception {
        SIPResponse r = check(SipMessageFixtures.request("OPTIONS", "nobodyKnowsThisScheme:opaque")).orElseThrow();
        assertThat(r.getStatusCode()).isEqualTo(416);
        assertThat(r.getReasonPhrase()).isEqualTo("Unsupported URI Scheme (nobodyKnowsThisScheme)");
    }

    @Test
    void aRegisterWhoseToIsNoSipAddressOfRecordIs400() throws Exception {
        SIPResponse r = check(SipMessageFixtures.request("REGISTER", "sip:example.com").to("<isbn:2983792873>"))
                .orElseThrow();
        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(r.getReasonPhrase()).isEqualTo("Bad Request (To must be a SIP or SIPS address of record, not isbn)");
    }

    @Test
    void anInviteBodyThatIsNotSdpIs415WithAccept() throws Exception {
        SIPResponse r = check(SipMessageFixtures.request("INVITE", "sip:u@example.com")
                .body("application/unknownformat", "<audio>")).orElseThrow();
        assertThat(r.getStatusCode()).isEqualTo(415);
        assertThat(r.getHeader("Accept").toString()).contains("application/sdp");
    }

    @Test
    void anInviteWhoseAcceptLeavesOutSdpIs406() throws Exception {
        SIPResponse r = check(SipMessageFixtures.request("INVITE", "sip:u@example.com")
                .header("Accept", "text/nobodyKnowsThis").sdp(SDP)).orElseThrow();
        assertThat(r.getStatusCode()).isEqualTo(406);
    }

    @Test
    void ordinaryRequestsPass() throws Exception {
        assertThat(check(SipMessageFixtures.request("INVITE", "sip:u@example.com").sdp(SDP))).isEmpty();
        assertThat(check(SipMessageFixtures.request("INVITE", "tel:+447400123456")
                .header("Accept", "application/sdp, application/dtmf-relay").sdp(SDP))).isEmpty();
        assertThat(check(SipMessageFixtures.request("INVITE", "sip:u@example.com")
                .body("multipart/mixed;boundary=x", "--x\r\n\r\n--x--\r\n"))).isEmpty();
        assertThat(check(SipMessageFixtures.request("REGISTER", "sip:example.com").to("<sip:a@example.com>"))).isEmpty();
    }
}
