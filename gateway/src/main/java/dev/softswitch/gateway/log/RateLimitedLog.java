package dev.softswitch.gateway.log;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A logger for input paths, where one bad sender could write a line (and a stack trace) per packet
 * (issue 11): a message key logs at most once per interval; the next line after the interval says how
 * many like it were held back. Keys should come from a closed set (a handler, an exception class);
 * beyond {@link #MAX_KEYS} every new key shares one overflow slot. Thread-safe; time from an injected
 * nanosecond source.
 */
public final class RateLimitedLog {

    /** Distinct keys tracked at most; more share one slot. */
    public static final int MAX_KEYS = 256;
    private static final String OVERFLOW_KEY = "(other)";

    private final Logger logger;
    private final long intervalNanos;
    private final long intervalSeconds;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = Objects.requireNonNull(logger, "logger");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.intervalSeconds = interval.toSeconds();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Once a minute per key, on the system's monotonic clock. */
    public static RateLimitedLog of(Logger logger) {
        return new RateLimitedLog(logger, Duration.ofMinutes(1), System::nanoTime);
    }

    /** Like {@link Logger#warn(String, Object...)}, a throwable last, unless {@code key} logged within the interval. */
    public void warn(String key, String format, Object... args) {
        long held = admit(key);
        if (held >= 0 && logger.isWarnEnabled()) {
            logger.warn(withCount(format, held), withCountArg(args, held));
        }
    }

    /** Like {@link Logger#error(String, Object...)}, unless {@code key} logged within the interval. */
    public void error(String key, String format, Object... args) {
        long held = admit(key);
        if (held >= 0 && logger.isErrorEnabled()) {
            logger.error(withCount(format, held), withCountArg(args, held));
        }
    }

    /** Keys tracked now, for tests. */
    int trackedKeys() {
        return windows.size();
    }

    /** How many were held back since the key last logged, if it may log now; -1 if it may not. */
    private long admit(String key) {
        String slot = windows.containsKey(key) || windows.size() < MAX_KEYS ? key : OVERFLOW_KEY;
        long now = nanoTime.getAsLong();
        long[] held = {-1};
        windows.compute(slot, (k, w) -> {
            if (w == null || now - w.openedAt >= intervalNanos) {
                held[0] = w == null ? 0 : w.suppressed;
                return new Window(now);
            }
            w.suppressed++;
            return w;
        });
        return held[0];
    }

    private String withCount(String format, long held) {
        return held == 0 ? format : format + " ({} more like this in the last " + intervalSeconds + "s)";
    }

    /** Puts the count after the format's own arguments and before a trailing throwable. */
    private static Object[] withCountArg(Object[] args, long held) {
        if (held == 0) {
            return args;
        }
        boolean throwable = args.length > 0 && args[args.length - 1] instanceof Throwable;
        Object[] out = Arrays.copyOf(args, args.length + 1);
        int at = throwable ? args.length - 1 : args.length;
        out[at] = held;
        if (throwable) {
            out[args.length] = args[args.length - 1];
        }
        return out;
    }

    private static final class Window {
        final long openedAt;
        long suppressed;

        Window(long openedAt) {
            this.openedAt = openedAt;
        }
    }
}
