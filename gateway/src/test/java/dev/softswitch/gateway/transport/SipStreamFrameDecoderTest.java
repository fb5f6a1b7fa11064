package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.buffer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static dev.softswitch.gateway.testing.SipMessageFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Stream framing, RFC 3261 §18.3. */
class SipStreamFrameDecoderTest {

    private static final int LIMIT = 1024;
    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SipStreamFrameDecoder(LIMIT, counters));

    @Test
    void twoMessagesInOneReadBecomeTwoFrames() {
        String first = options("one").text();
        String second = options("two").body(null, "body").text();

        channel.writeInbound(buffer(first + second));

        assertThat(text(channel.<SipFrame>readInbound().bytes())).isEqualTo(first);
        assertThat(text(channel.<SipFrame>readInbound().bytes())).isEqualTo(second);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(counters.bytesReceived()).isEqualTo(first.length() + second.length());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messageSplitAcrossReadsIsReassembled() {
        String message = options("split").body(null, "0123456789").text();
        int inHeaders = 20;
        int inBody = message.length() - 3;

        channel.writeInbound(buffer(message.substring(0, inHeaders)));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(buffer(message.substring(inHeaders, inBody)));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(buffer(message.substring(inBody)));

        SipFrame frame = channel.readInbound();
        assertThat(text(frame.bytes())).isEqualTo(message);
        assertThat(frame.result().isSuccess()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void crlfKeepAlivesBetweenMessagesAreSkipped() {
        channel.writeInbound(buffer("\r\n\r\n"));
        assertThat((Object) channel.readInbound()).isNull();

        channel.writeInbound(buffer("\r\n\r\n" + options("ka").text() + "\r\n\r\n"));

        assertThat(text(channel.<SipFrame>readInbound().bytes())).isEqualTo(options("ka").text());
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void compactContentLengthHeaderFramesTheBody() {
        String message = options("compact").text().replace("Content-Length: 0", "l:3") + "abcOPTIONS";

        channel.writeInbound(buffer(message));

        assertThat(text(channel.<SipFrame>readInbound().bytes())).endsWith("l:3\r\n\r\nabc");
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthNameIsCaseInsensitive() {
        channel.writeInbound(buffer(options("case").text().replace("Content-Length: 0", "CONTENT-length :  2 ")
                + "xy"));

        assertThat(text(channel.<SipFrame>readInbound().bytes())).endsWith("\r\n\r\nxy");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthOverTheLimitFailsWith513AndDiscardsTheRest() {
        channel.writeInbound(buffer(options("big").text().replace("Content-Length: 0", "Content-Length: 5000")
                + "abc"));
        channel.writeInbound(buffer(options("after").text()));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result()).isEqualTo(SipDecodeResult.tooLarge());
        assertThat(frame.closeAfterReply()).isTrue();
        assertThat(text(frame.bytes())).startsWith("OPTIONS ").endsWith("Content-Length: 5000\r\n\r\n");
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void headerSectionOverTheLimitFailsWith513KeepingCompleteLines() {
        String head = options("huge").text().replace("Content-Length: 0\r\n\r\n", "");
        channel.writeInbound(buffer(head + "X-Padding: " + "p".repeat(LIMIT) + "\r\n"));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().statusCode()).isEqualTo(513);
        assertThat(text(frame.bytes())).isEqualTo(head + "\r\n");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthOnAStreamFailsWith400() {
        channel.writeInbound(buffer(options("nocl").without("Content-Length").text()));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().reasonPhrase()).isEqualTo("Bad Request (Missing Content-Length header)");
        assertThat(frame.closeAfterReply()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void garbageOrNegativeContentLengthFailsWith400() {
        channel.writeInbound(buffer(options("neg").text().replace("Content-Length: 0", "Content-Length: -5")));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().reasonPhrase()).isEqualTo("Bad Request (Malformed Content-Length)");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void conflictingContentLengthsFailWith400() {
        channel.writeInbound(buffer(options("two").text().replace("Content-Length: 0", "Content-Length: 0\r\nl: 4")));

        assertThat(channel.<SipFrame>readInbound().result().statusCode()).isEqualTo(400);
        assertFalse(channel.finishAndReleaseAll());
    }
}
