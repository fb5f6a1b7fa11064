package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Found by the fuzz harness: every TCP client that reset its connection left a WARN with a stack trace. */
class SipExceptionHandlerTest {

    @Test
    void aConnectionResetByThePeerClosesItWithoutAWarningOrStackTrace() {
        Logger logger = (Logger) LoggerFactory.getLogger(SipExceptionHandler.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            EmbeddedChannel channel = new EmbeddedChannel(SipExceptionHandler.INSTANCE);
            channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

            assertThat(channel.isOpen()).isFalse();
            assertThat(events.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null);
        } finally {
            logger.detachAppender(events);
        }
    }

    @Test
    void anythingElseIsStillAWarningWithItsStackTrace() {
        Logger logger = (Logger) LoggerFactory.getLogger(SipExceptionHandler.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            EmbeddedChannel channel = new EmbeddedChannel(SipExceptionHandler.INSTANCE);
            channel.pipeline().fireExceptionCaught(new IllegalStateException("bug"));

            assertThat(channel.isOpen()).isFalse();
            assertThat(events.list).anyMatch(e -> e.getLevel() == Level.WARN && e.getThrowableProxy() != null);
        } finally {
            logger.detachAppender(events);
        }
    }
}
