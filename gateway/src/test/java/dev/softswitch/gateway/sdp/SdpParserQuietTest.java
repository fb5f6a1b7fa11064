package dev.softswitch.gateway.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11: JAIN-SIP's SDP field parsers call {@code printStackTrace()} on a line they cannot read, one
 * stack trace on stderr per bad offer from anyone. A bad line of any type is refused as an
 * {@link SdpException} with nothing printed.
 */
class SdpParserQuietTest {

    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
    private static final String AUDIO = "m=audio 4000 RTP/AVP 0\r\n";

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureStderr() {
        original = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(original);
    }

    static Stream<String> badBodies() {
        return Stream.of(
                HEAD + AUDIO + "a=\r\n",
                HEAD + AUDIO + "a=:x\r\n",
                HEAD + AUDIO + "a=rtpmap:\r\n",
                HEAD + "b=AS\r\n" + AUDIO,
                HEAD + "b=AS:\r\n" + AUDIO,
                HEAD + "b=AS:x\r\n" + AUDIO,
                HEAD.replace("s=-", "s=") + AUDIO,
                HEAD.replace("s=-", "s=-\r\ne=") + AUDIO,
                HEAD.replace("s=-", "s=-\r\np=") + AUDIO,
                HEAD.replace("s=-", "s=-\r\np=<") + AUDIO,
                HEAD.replace("s=-", "s=-\r\ne=<") + AUDIO,
                HEAD + "m=audio 4000 RTP/AVP\r\n",
                HEAD + "m=audio 4000/x RTP/AVP 0\r\n",
                HEAD + "m=audio 99999999999 RTP/AVP 0\r\n",
                HEAD.replace("o=- 1 1", "o=- 99999999999999999999999 1") + AUDIO,
                HEAD.replace("o=- 1 1", "o=- x y") + AUDIO,
                HEAD + "k=prompt:\r\n" + AUDIO,
                HEAD + "z=\r\n" + AUDIO,
                HEAD + "r=\r\n" + AUDIO,
                HEAD + "i=\r\n" + AUDIO,
                HEAD + "u=\r\n" + AUDIO);
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void aBadLineIsRefusedOrReadWithoutPrintingAnything(String body) {
        try {
            SdpRewriter.parse(body.getBytes(StandardCharsets.UTF_8));
        } catch (SdpException refused) {
            assertThat(refused.getMessage()).startsWith("SDP");
        }

        assertThat(stderr.toString(StandardCharsets.UTF_8)).as("stderr").isEmpty();
    }
}
