package dev.softswitch.gateway.sip;

import static dev.softswitch.gateway.testing.SipMessageFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3261 §9.1 and §17.1.1.3: the messages the stack derives from an INVITE. */
class SipMessagesTest {

    /** The RFC 3261 §4 INVITE, one proxy on, with a route set and a body. */
    private static SIPRequest invite() {
        return request("INVITE", "sip:bob@biloxi.example.com")
                .via(TransportType.UDP, "pc33.atlanta.example.com", "z9hG4bK776asdhds")
                .via(TransportType.UDP, "edge.atlanta.example.com", "z9hG4bKedge")
                .route("<sip:p1.example.com;lr>")
                .route("<sip:p2.example.com;lr>")
                .to("Bob <sip:bob@biloxi.example.com>")
                .from("Alice <sip:alice@atlanta.example.com>", "1928301774")
                .callId("a84b4c76e66710@pc33.atlanta.example.com")
                .cseq(314159)
                .contact("<sip:alice@pc33.atlanta.example.com>")
                .sdp("v=0\n")
                .build();
    }

    @Test
    void cancelCopiesWhatSection91Lists() throws Exception {
        SIPRequest invite = invite();

        String cancel = SipMessages.cancelFor(invite).encode();

        assertThat(cancel).startsWith("CANCEL sip:bob@biloxi.example.com SIP/2.0\r\n")
                .contains("Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n")
                .doesNotContain("z9hG4bKedge")
                .contains("CSeq: 314159 CANCEL\r\n")
                .contains("Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n")
                .contains("From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n")
                .contains("To: \"Bob\" <sip:bob@biloxi.example.com>\r\n")
                .contains("Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>\r\n")
                .contains("Max-Forwards: 70\r\n")
                .contains("Content-Length: 0\r\n")
                .doesNotContain("Contact").doesNotContain("v=0");
    }

    @Test
    void ackForNon2xxCopiesWhatSection17113Lists() throws Exception {
        SIPRequest invite = invite();
        SIPResponse busy = invite.createResponse(486);
        ((To) busy.getTo()).setTag("bobtag");

        String ack = SipMessages.ackForNon2xx(invite, busy).encode();

        assertThat(ack).startsWith("ACK sip:bob@biloxi.example.com SIP/2.0\r\n")
                .contains("Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n")
                .doesNotContain("z9hG4bKedge")
                .contains("CSeq: 314159 ACK\r\n")
                .contains("Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n")
                .contains("From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n")
                .contains("To: \"Bob\" <sip:bob@biloxi.example.com>;tag=bobtag\r\n")
                .contains("Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>\r\n")
                .contains("Content-Length: 0\r\n")
                .doesNotContain("v=0");
    }

    @Test
    void builtMessagesShareNoHeaderWithTheInvite() throws Exception {
        SIPRequest invite = invite();
        SIPResponse busy = invite.createResponse(486);
        ((To) busy.getTo()).setTag("bobtag");

        SIPRequest ack = SipMessages.ackForNon2xx(invite, busy);
        SIPRequest cancel = SipMessages.cancelFor(invite);
        ack.getTopmostVia().setBranch("z9hG4bKchanged");
        cancel.getTopmostVia().setBranch("z9hG4bKchanged2");
        ((To) cancel.getTo()).setTag("x");

        assertThat(invite.getTopmostVia().getBranch()).isEqualTo("z9hG4bK776asdhds");
        assertThat(invite.getTo().getTag()).isNull();
    }

    @Test
    void refusesWhatIsNotAnInviteOrNotANon2xx() throws Exception {
        SIPRequest invite = invite();
        assertThatThrownBy(() -> SipMessages.ackForNon2xx(invite, invite.createResponse(200)))
                .isInstanceOf(IllegalArgumentException.class);
        SIPRequest cancel = SipMessages.cancelFor(invite);
        assertThatThrownBy(() -> SipMessages.cancelFor(cancel)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void branchesAndTagsAreRandom() {
        assertThat(SipMessages.newBranch()).matches("z9hG4bK[0-9a-f]{24}");
        assertThat(SipMessages.newTag()).matches("[0-9a-f]{16}");
        assertThat(SipMessages.newBranch()).isNotEqualTo(SipMessages.newBranch());
        assertThat(SipMessages.isRfc3261Branch("z9hG4bKabc")).isTrue();
        assertThat(SipMessages.isRfc3261Branch("abc")).isFalse();
        assertThat(SipMessages.isRfc3261Branch(null)).isFalse();
    }

    /** Random bytes come a buffer at a time per thread: no value is handed out twice, within or across refills and threads. */
    @Test
    void noRandomValueRepeatsAcrossBufferRefillsAndThreads() throws Exception {
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Runnable draw = () -> {
            for (int i = 0; i < 5_000; i++) { // 5,000 x (16 + 8 + 12) bytes: well over a hundred refills
                assertThat(seen.add(SipMessages.newCallId())).isTrue();
                assertThat(seen.add(SipMessages.newTag())).isTrue();
                assertThat(seen.add(SipMessages.newBranch())).isTrue();
            }
        };
        Thread other = new Thread(draw);
        other.start();
        draw.run();
        other.join();
        assertThat(seen).hasSize(2 * 3 * 5_000);
        assertThat(seen).allMatch(v -> v.matches("(z9hG4bK)?[0-9a-f]{16,32}"));
    }

    @ParameterizedTest
    @CsvSource({
            "+447400123456, +447400123456",
            "0123#447400123456, 0123%23447400123456",
            "alice smith, alice%20smith",
            "a@b, a%40b",
            "x:y, x%3Ay",
            "caf\u00e9, caf%C3%A9",
    })
    void userPartsAreEscapedPerRfc3261Section25(String user, String escaped) {
        assertThat(SipMessages.escapeUser(user)).isEqualTo(escaped);
    }
}
