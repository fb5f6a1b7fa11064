package dev.softswitch.gateway.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 11: one bad sender must not flood the log; the same message key logs once per interval, with a count. */
class RateLimitedLogTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-test");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(10), nanos::get);

    @BeforeEach
    void attach() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(appender);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void theSameKeyLogsOncePerIntervalThenSaysHowManyWereSuppressed() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int i = 0; i < 1_000; i++) {
            log.warn("handler", "handler failed on a message from {}", "10.0.0." + i, boom);
        }
        advance(Duration.ofSeconds(10));
        log.warn("handler", "handler failed on a message from {}", "10.0.0.7", boom);

        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo("handler failed on a message from 10.0.0.0");
        assertThat(appender.list.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
        assertThat(appender.list.get(1).getFormattedMessage())
                .isEqualTo("handler failed on a message from 10.0.0.7 (999 more like this in the last 10s)");
    }

    @Test
    void differentKeysAreLimitedApart() {
        log.warn("a", "first {}", 1);
        log.warn("b", "second {}", 2);
        log.error("a", "first again {}", 3);
        advance(Duration.ofSeconds(9));
        log.warn("b", "second again {}", 4);

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("first 1", "second 2");
    }

    @Test
    void unboundedKeysCannotGrowTheTableWithoutLimit() {
        for (int i = 0; i < 100_000; i++) {
            log.warn("key-" + i, "message {}", i);
        }

        assertThat(log.trackedKeys()).isLessThanOrEqualTo(RateLimitedLog.MAX_KEYS + 1); // and the overflow slot
        assertThat(appender.list.size()).isLessThanOrEqualTo(RateLimitedLog.MAX_KEYS + 1);
    }
}
