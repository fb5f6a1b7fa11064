package dev.softswitch.gateway.transport;

import static dev.softswitch.gateway.testing.SipMessageFixtures.buffer;
import static dev.softswitch.gateway.testing.SipMessageFixtures.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 11: a sender whose every message makes the handler fail gets the log one line, not one per message. */
class SipDispatchLogFloodTest {

    @Test
    void aHandlerFailingOnEveryMessageLogsOnceNotOncePerMessage() {
        Logger logger = (Logger) LoggerFactory.getLogger(SipDispatchHandler.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        AtomicInteger calls = new AtomicInteger();
        EmbeddedChannel channel = new RemoteEmbeddedChannel(new SipStreamChannelInitializer(TransportType.TCP,
                TransportSettings.defaults(), m -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("flooded " + calls.get());
                }, new TransportCounters(), new SipConnectionRegistry()));
        try {
            for (int i = 0; i < 1_000; i++) {
                channel.writeInbound(buffer(options("flood-" + i).text()));
            }

            assertThat(calls).hasValue(1_000);
            assertThat(appender.list).hasSizeLessThanOrEqualTo(1);
            assertThat(channel.isActive()).isTrue();
            assertFalse(channel.finishAndReleaseAll());
        } finally {
            logger.detachAppender(appender);
        }
    }
}
