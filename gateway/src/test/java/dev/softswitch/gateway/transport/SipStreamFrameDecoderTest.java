package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.transport.SipTestMessages.ascii;
import static dev.softswitch.gateway.transport.SipTestMessages.bytes;
import static dev.softswitch.gateway.transport.SipTestMessages.options;
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
        String first = options("one");
        String second = options("two").replace("Content-Length: 0", "Content-Length: 4") + "body";

        channel.writeInbound(bytes(first + second));

        assertThat(ascii(channel.<SipFrame>readInbound().bytes())).isEqualTo(first);
        assertThat(ascii(channel.<SipFrame>readInbound().bytes())).isEqualTo(second);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(counters.bytesReceived()).isEqualTo(first.length() + second.length());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messageSplitAcrossReadsIsReassembled() {
        String message = options("split").replace("Content-Length: 0", "Content-Length: 10") + "0123456789";
        int inHeaders = 20;
        int inBody = message.length() - 3;

        channel.writeInbound(bytes(message.substring(0, inHeaders)));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(bytes(message.substring(inHeaders, inBody)));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(bytes(message.substring(inBody)));

        SipFrame frame = channel.readInbound();
        assertThat(ascii(frame.bytes())).isEqualTo(message);
        assertThat(frame.result().isSuccess()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void crlfKeepAlivesBetweenMessagesAreSkipped() {
        channel.writeInbound(bytes("\r\n\r\n"));
        assertThat((Object) channel.readInbound()).isNull();

        channel.writeInbound(bytes("\r\n\r\n" + options("ka") + "\r\n\r\n"));

        assertThat(ascii(channel.<SipFrame>readInbound().bytes())).isEqualTo(options("ka"));
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void compactContentLengthHeaderFramesTheBody() {
        String message = options("compact").replace("Content-Length: 0", "l:3") + "abcOPTIONS";

        channel.writeInbound(bytes(message));

        assertThat(ascii(channel.<SipFrame>readInbound().bytes())).endsWith("l:3\r\n\r\nabc");
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthNameIsCaseInsensitive() {
        channel.writeInbound(bytes(options("case").replace("Content-Length: 0", "CONTENT-length :  2 ") + "xy"));

        assertThat(ascii(channel.<SipFrame>readInbound().bytes())).endsWith("\r\n\r\nxy");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void contentLengthOverTheLimitFailsWith513AndDiscardsTheRest() {
        channel.writeInbound(bytes(options("big").replace("Content-Length: 0", "Content-Length: 5000") + "abc"));
        channel.writeInbound(bytes(options("after")));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result()).isEqualTo(SipDecodeResult.tooLarge());
        assertThat(frame.closeAfterReply()).isTrue();
        assertThat(ascii(frame.bytes())).startsWith("OPTIONS ").endsWith("Content-Length: 5000\r\n\r\n");
        assertThat((Object) channel.readInbound()).isNull();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void headerSectionOverTheLimitFailsWith513KeepingCompleteLines() {
        String head = options("huge").replace("Content-Length: 0\r\n\r\n", "");
        channel.writeInbound(bytes(head + "X-Padding: " + "p".repeat(LIMIT) + "\r\n"));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().statusCode()).isEqualTo(513);
        assertThat(ascii(frame.bytes())).isEqualTo(head + "\r\n");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void missingContentLengthOnAStreamFailsWith400() {
        channel.writeInbound(bytes(options("nocl").replace("Content-Length: 0\r\n", "")));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().reasonPhrase()).isEqualTo("Bad Request (Missing Content-Length header)");
        assertThat(frame.closeAfterReply()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void garbageOrNegativeContentLengthFailsWith400() {
        channel.writeInbound(bytes(options("neg").replace("Content-Length: 0", "Content-Length: -5")));

        SipFrame frame = channel.readInbound();
        assertThat(frame.result().reasonPhrase()).isEqualTo("Bad Request (Malformed Content-Length)");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void conflictingContentLengthsFailWith400() {
        channel.writeInbound(bytes(options("two").replace("Content-Length: 0", "Content-Length: 0\r\nl: 4")));

        assertThat(channel.<SipFrame>readInbound().result().statusCode()).isEqualTo(400);
        assertFalse(channel.finishAndReleaseAll());
    }
}
