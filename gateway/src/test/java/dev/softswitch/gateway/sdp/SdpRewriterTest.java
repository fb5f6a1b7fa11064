package dev.softswitch.gateway.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.sdp.SdpRewriter.SdpOffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SdpRewriterTest {

    private static final InetSocketAddress RELAY = new InetSocketAddress("10.0.0.1", 30000);

    /** What SIPp's default uac scenario offers. */
    private static final String SIPP_PCMU = crlf("""
            v=0
            o=user1 53655765 2353687637 IN IP4 127.0.0.1
            s=-
            c=IN IP4 127.0.0.1
            t=0 0
            m=audio 6000 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            """);

    /** Shaped like a Linphone offer: ICE, Opus + PCMU + PCMA + two telephone-event clocks, video. */
    private static final String LINPHONE = crlf("""
            v=0
            o=alice 3373 1522 IN IP4 192.168.1.20
            s=Talk
            c=IN IP4 192.168.1.20
            t=0 0
            a=ice-pwd:31ec21eb38b2ec6d36e8dc7b
            a=ice-ufrag:e2c4e
            a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
            a=record:off
            m=audio 7078 RTP/AVP 96 0 8 101 100
            c=IN IP4 203.0.113.5
            a=rtpmap:96 opus/48000/2
            a=fmtp:96 useinbandfec=1
            a=rtpmap:101 telephone-event/48000
            a=rtpmap:100 telephone-event/8000
            a=rtcp:7079
            a=candidate:1 1 UDP 2130706303 192.168.1.20 7078 typ host
            a=candidate:1 2 UDP 2130706302 192.168.1.20 7079 typ host
            a=candidate:2 1 UDP 1694498687 203.0.113.5 7078 typ srflx raddr 192.168.1.20 rport 7078
            a=rtcp-fb:* trr-int 1000
            a=rtcp-fb:* ccm tmmbr
            m=video 9078 RTP/AVP 96
            a=rtpmap:96 VP8/90000
            a=rtcp:9079
            a=rtcp-fb:* nack pli
            """);

    @Test
    void readsTheAudioStreamOfABaresipSrtpOffer() throws Exception {
        SdpOffer offer = SdpRewriter.parse(baresipBody());

        assertThat(offer.audioRtp()).isEqualTo(new InetSocketAddress("127.0.0.1", 20074));
        assertThat(offer.audioProtocol()).isEqualTo("RTP/SAVP");
        assertThat(offer.audioFormats()).containsExactly("0", "8", "101");
        assertThat(offer.audioDirection()).isEqualTo("sendrecv");
        assertThat(offer.isSecure()).isTrue();
    }

    @Test
    void rewritesTheBaresipOfferToTheRelayDropsItsToolAndCnameAndKeepsEveryOtherByte() throws Exception {
        byte[] rewritten = SdpRewriter.rewrite(baresipBody(), RELAY);

        String expected = crlf("""
                v=0
                o=- 1960362909 333513346 IN IP4 10.0.0.1
                s=-
                c=IN IP4 10.0.0.1
                t=0 0
                m=audio 30000 RTP/SAVP 0 8 101
                a=rtpmap:0 PCMU/8000
                a=rtpmap:8 PCMA/8000
                a=rtpmap:101 telephone-event/8000
                a=fmtp:101 0-15
                a=sendrecv
                a=label:1
                a=rtcp-rsize
                a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr
                a=minptime:20
                a=ptime:20
                """);
        assertThat(new String(rewritten, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(SdpRewriter.parse(rewritten).audioRtp()).isEqualTo(RELAY);
    }

    @Test
    void rewritesASippPcmuOfferForAnIpv6Relay() throws Exception {
        assertThat(SdpRewriter.parse(bytes(SIPP_PCMU)).audioRtp())
                .isEqualTo(new InetSocketAddress("127.0.0.1", 6000));

        byte[] rewritten = SdpRewriter.rewrite(bytes(SIPP_PCMU), new InetSocketAddress("2001:db8::7", 40002));

        assertThat(new String(rewritten, StandardCharsets.UTF_8)).isEqualTo(crlf("""
                v=0
                o=- 53655765 2353687638 IN IP6 2001:db8:0:0:0:0:0:7
                s=-
                c=IN IP6 2001:db8:0:0:0:0:0:7
                t=0 0
                m=audio 40002 RTP/AVP 0
                a=rtpmap:0 PCMU/8000
                """));
        assertThat(SdpRewriter.parse(rewritten).audioRtp())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 40002));
    }

    @Test
    void mediaLevelConnectionOverridesTheSessionLevelOne() throws Exception {
        SdpOffer offer = SdpRewriter.parse(bytes(LINPHONE));

        assertThat(offer.audioRtp()).isEqualTo(new InetSocketAddress("203.0.113.5", 7078));
        assertThat(offer.audioFormats()).containsExactly("96", "0", "8", "101", "100");
        assertThat(offer.isSecure()).isFalse();
    }

    @Test
    void rewritesALinphoneOfferKeepingCodecsDroppingIceAndDisablingVideo() throws Exception {
        String rewritten = new String(SdpRewriter.rewrite(bytes(LINPHONE), RELAY), StandardCharsets.UTF_8);

        assertThat(rewritten).isEqualTo(crlf("""
                v=0
                o=- 3373 1523 IN IP4 10.0.0.1
                s=Talk
                c=IN IP4 10.0.0.1
                t=0 0
                a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
                a=record:off
                m=audio 30000 RTP/AVP 96 0 8 101 100
                c=IN IP4 10.0.0.1
                a=rtpmap:96 opus/48000/2
                a=fmtp:96 useinbandfec=1
                a=rtpmap:101 telephone-event/48000
                a=rtpmap:100 telephone-event/8000
                a=rtcp:30001
                a=rtcp-fb:* trr-int 1000
                a=rtcp-fb:* ccm tmmbr
                m=video 0 RTP/AVP 96
                a=rtpmap:96 VP8/90000
                a=rtcp-fb:* nack pli
                """));
    }

    @Test
    void rtcpAttributeWithAnAddressPointsAtTheRelay() throws Exception {
        String offer = crlf("""
                v=0
                o=- 1 1 IN IP4 192.0.2.1
                s=-
                c=IN IP4 192.0.2.1
                t=0 0
                m=audio 5004 RTP/AVP 8
                a=rtcp:5005 IN IP4 192.0.2.99
                a=sendonly
                """);

        assertThat(SdpRewriter.parse(bytes(offer)).audioDirection()).isEqualTo("sendonly");
        assertThat(new String(SdpRewriter.rewrite(bytes(offer), RELAY), StandardCharsets.UTF_8))
                .contains("a=rtcp:30001 IN IP4 10.0.0.1\r\n")
                .doesNotContain("192.0.2");
    }

    @Test
    void rtcpMuxIsNotPassedOnSinceTheRelayTakesRtcpOnItsOwnPort() throws Exception {
        // a WebRTC-style client offering RTCP on the RTP port: the carrier must not be told, or, accepting it, it
        // would send RTCP to the relay's RTP port (RFC 5761); without it in the answer the client keeps RTP + 1
        String offer = crlf("""
                v=0
                o=- 1 1 IN IP4 192.0.2.1
                s=-
                c=IN IP4 192.0.2.1
                t=0 0
                m=audio 5004 RTP/AVP 8
                a=rtcp:5004
                a=rtcp-mux
                a=rtcp-mux-only
                a=rtcp-rsize
                """);

        assertThat(new String(SdpRewriter.rewrite(bytes(offer), RELAY), StandardCharsets.UTF_8))
                .contains("a=rtcp:30001\r\n", "a=rtcp-rsize\r\n")
                .doesNotContain("rtcp-mux");
    }

    @Test
    void anAnswerWithRtcpMuxSaysItOnceAndNamesTheRtpPortForRtcp() throws Exception {
        String offer = crlf("""
                v=0
                o=- 1 1 IN IP4 192.0.2.1
                s=-
                c=IN IP4 192.0.2.1
                t=0 0
                m=audio 5004 RTP/AVP 0 101
                a=rtcp:5005
                a=rtcp-mux
                """);
        ParsedSdp parsed = ParsedSdp.parse(bytes(offer));
        assertThat(parsed.rtcpMux()).isTrue();
        String muxed = new String(SdpRewriter.rewrite(parsed, RELAY, true), StandardCharsets.UTF_8);
        assertThat(muxed).contains("m=audio 30000 ", "a=rtcp:30000\r\n", "a=rtcp-mux\r\n");
        assertThat(muxed.indexOf("a=rtcp-mux")).isEqualTo(muxed.lastIndexOf("a=rtcp-mux"));
        assertThat(new String(SdpRewriter.rewriteToSrtp(ParsedSdp.parse(bytes(offer)), RELAY,
                SdpCrypto.select(List.of("1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr")),
                true), StandardCharsets.UTF_8)).contains("a=rtcp-mux\r\n", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:");
    }

    @Test
    void rtcpMuxIsTakenOnlyWhenOfferedOnTheAudioStreamAndNoPayloadTypeCouldPassForRtcp() throws Exception {
        String base = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
        assertThat(ParsedSdp.parse(bytes(base + "m=audio 5004 RTP/AVP 0\r\na=rtcp-mux-only\r\n")).rtcpMux()).isTrue();
        assertThat(ParsedSdp.parse(bytes(base + "m=audio 5004 RTP/AVP 0\r\n")).rtcpMux()).isFalse();
        assertThat(ParsedSdp.parse(bytes(base + "a=rtcp-mux\r\nm=audio 5004 RTP/AVP 0\r\n")).rtcpMux()).isFalse();
        // payload type 72 would read as an RTCP sender report on one port (RFC 5761 §4)
        assertThat(ParsedSdp.parse(bytes(base + "m=audio 5004 RTP/AVP 0 72\r\na=rtpmap:72 L16/8000\r\na=rtcp-mux\r\n"))
                .rtcpMux()).isFalse();
    }

    @Test
    void acceptsBareLineFeedsAndAnswersWithCrlf() throws Exception {
        byte[] lf = SIPP_PCMU.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);

        assertThat(SdpRewriter.parse(lf).audioRtp().getPort()).isEqualTo(6000);
        assertThat(new String(SdpRewriter.rewrite(lf, RELAY), StandardCharsets.UTF_8))
                .startsWith("v=0\r\no=- 53655765 2353687638 IN IP4 10.0.0.1\r\n");
    }

    @Test
    void keepsAndBumpsOriginNumbersLongerThanALong() throws Exception {
        String offer = SIPP_PCMU.replace("53655765 2353687637", "98765432109876543210 18446744073709551615");

        assertThat(new String(SdpRewriter.rewrite(bytes(offer), RELAY), StandardCharsets.UTF_8))
                .contains("o=- 98765432109876543210 18446744073709551616 IN IP4 10.0.0.1\r\n");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "SDP body is empty"),
                Arguments.of("hello world\r\n", "SDP line 1 is malformed"),
                Arguments.of(SIPP_PCMU.replace("v=0", "o=x"), "SDP does not start with v=0"),
                Arguments.of(SIPP_PCMU.replace("t=0 0", "x=0 0"), "SDP line 5 has unknown type x"),
                Arguments.of(SIPP_PCMU.replace("s=-\r\n", "s=-\r\n\r\n"), "SDP line 4 is malformed"),
                Arguments.of(SIPP_PCMU.replace("o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n", ""),
                        "SDP origin line missing"),
                Arguments.of(SIPP_PCMU.replace("2353687637", "two"), "SDP origin line malformed"),
                Arguments.of(SIPP_PCMU.replace("m=audio 6000", "m=audio abc"), "SDP media line malformed"),
                Arguments.of(SIPP_PCMU.replace(" RTP/AVP 0", ""), "SDP media line malformed"),
                Arguments.of(SIPP_PCMU.replace("c=IN IP4 127.0.0.1", "c=IN IP4"), "SDP connection line malformed"),
                Arguments.of(SIPP_PCMU.replace("c=IN IP4 127.0.0.1\r\n", ""), "SDP connection address missing"),
                Arguments.of(SIPP_PCMU.replace("c=IN IP4 127.0.0.1", "c=IN IP4 media.example.com"),
                        "SDP connection address is not an IP address"),
                Arguments.of(SIPP_PCMU.replace("c=IN IP4 127.0.0.1", "c=IN IP4 999.1.1.1"),
                        "SDP connection address is not an IP address"),
                Arguments.of(SIPP_PCMU.replace("c=IN IP4 127.0.0.1", "c=IN IP4 1.2.3.4.5"),
                        "SDP connection address is not an IP address"),
                Arguments.of(SIPP_PCMU.replace("m=audio 6000", "m=audio 99999"),
                        "SDP media port 99999 is out of range (0..65535)"),
                Arguments.of(SIPP_PCMU.replace("m=audio", "m=video"), "SDP has no audio stream"),
                Arguments.of(SIPP_PCMU.replace("m=audio 6000", "m=audio 0"), "SDP audio stream is disabled"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesBadSdpWithAReasonFitForA488(String body, String reason) {
        for (var call : List.<ThrowingCall>of(b -> SdpRewriter.parse(b), b -> SdpRewriter.rewrite(b, RELAY))) {
            assertThatThrownBy(() -> call.run(bytes(body)))
                    .isInstanceOf(SdpException.class)
                    .hasMessage(reason)
                    .satisfies(e -> assertThat(((SdpException) e).reason()).matches("[\\x20-\\x7E]+"));
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run(byte[] body) throws SdpException;
    }

    private static byte[] baresipBody() throws IOException {
        try (InputStream in = SdpRewriterTest.class.getResourceAsStream(
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
