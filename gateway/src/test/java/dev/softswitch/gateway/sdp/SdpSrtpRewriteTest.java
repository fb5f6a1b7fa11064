package dev.softswitch.gateway.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.sdp.SdpRewriter.SdpOffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SRTP on the client leg, plain RTP to the carrier (MED-3), and hold directions (MED-6) in SDP. */
class SdpSrtpRewriteTest {

    private static final InetSocketAddress CARRIER_SIDE = new InetSocketAddress("10.0.0.1", 30002);
    private static final InetSocketAddress CLIENT_SIDE = new InetSocketAddress("10.0.0.1", 30000);

    private static final String CARRIER_ANSWER = crlf("""
            v=0
            o=carrier 1 2 IN IP4 198.51.100.20
            s=-
            c=IN IP4 198.51.100.20
            t=0 0
            m=audio 40000 RTP/AVP 0 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:101 telephone-event/8000
            a=sendrecv
            """);

    @Test
    void theBaresipOfferReachesTheCarrierAsPlainRtpWithoutItsKey() throws Exception {
        byte[] offer = baresipBody();

        String toCarrier = new String(SdpRewriter.rewriteToPlainRtp(offer, CARRIER_SIDE), StandardCharsets.UTF_8);

        assertThat(toCarrier).contains("m=audio 30002 RTP/AVP 0 8 101\r\n")
                .doesNotContain("crypto").doesNotContain("SAVP").doesNotContain("IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr")
                .contains("a=rtpmap:101 telephone-event/8000\r\n", "a=rtcp-rsize\r\n", "a=ptime:20\r\n");
        SdpOffer parsed = SdpRewriter.parse(toCarrier.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.isSecure()).isFalse();
        assertThat(parsed.cryptoAttributes()).isEmpty();
    }

    @Test
    void theCarrierAnswerReachesTheClientAsSrtpWithTheRelaysOwnKey() throws Exception {
        SdpOffer clientOffer = SdpRewriter.parse(baresipBody());
        SdpCrypto clientCrypto = SdpCrypto.select(clientOffer.cryptoAttributes());
        SdpCrypto relayCrypto = clientCrypto.withFreshKey(new SecureRandom());

        byte[] toClient = SdpRewriter.rewriteToSrtp(CARRIER_ANSWER.getBytes(StandardCharsets.UTF_8), CLIENT_SIDE,
                relayCrypto);

        String text = new String(toClient, StandardCharsets.UTF_8);
        assertThat(text).contains("m=audio 30000 RTP/SAVP 0 101\r\n")
                .contains("a=crypto:" + relayCrypto.toAttributeValue() + "\r\n")
                .doesNotContain(clientCrypto.key().toInline());
        SdpOffer answer = SdpRewriter.parse(toClient);
        assertThat(answer.isSecure()).isTrue();
        assertThat(SdpCrypto.select(answer.cryptoAttributes())).isEqualTo(relayCrypto);
    }

    @Test
    void readsTheCryptoAttributesAndClockRateOfAnOffer() throws Exception {
        SdpOffer offer = SdpRewriter.parse(baresipBody());

        assertThat(offer.cryptoAttributes())
                .containsExactly("1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr");
        assertThat(offer.audioClockRate()).isEqualTo(8000);
        assertThat(offer.isOnHold()).isFalse();
    }

    @Test
    void opusRunsAt48kHz() throws Exception {
        SdpOffer offer = SdpRewriter.parse(bytes(CARRIER_ANSWER.replace("RTP/AVP 0 101", "RTP/AVP 96 101")
                .replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:96 opus/48000/2")));

        assertThat(offer.audioClockRate()).isEqualTo(48000);
    }

    static Stream<Arguments> directions() {
        return Stream.of(
                Arguments.of("sendrecv", false),
                Arguments.of("sendonly", true),
                Arguments.of("recvonly", true),
                Arguments.of("inactive", true));
    }

    @ParameterizedTest(name = "a={0}")
    @MethodSource("directions")
    void tellsHoldFromTheDirectionAttributeAndKeepsIt(String direction, boolean hold) throws Exception {
        byte[] reInvite = bytes(CARRIER_ANSWER.replace("a=sendrecv", "a=" + direction));

        assertThat(SdpRewriter.parse(reInvite).isOnHold()).isEqualTo(hold);
        assertThat(new String(SdpRewriter.rewrite(reInvite, CLIENT_SIDE), StandardCharsets.UTF_8))
                .contains("a=" + direction + "\r\n");
    }

    private static byte[] baresipBody() throws IOException {
        try (InputStream in = SdpSrtpRewriteTest.class.getResourceAsStream(
                "/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip")) {
            byte[] message = in.readAllBytes();
            for (int i = 0; i + 3 < message.length; i++) {
                if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                    return Arrays.copyOfRange(message, i + 4, message.length);
                }
            }
            throw new IllegalStateException("fixture has no body");
        }
    }

    private static String crlf(String lines) {
        return lines.replace("\n", "\r\n");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
