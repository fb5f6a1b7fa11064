package dev.softswitch.charging.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * How the file journal lays out its files (CHG-7): a segment is closed once it holds {@code segmentBytes} (checked
 * after each group commit, so a segment may exceed it by one batch); a snapshot is taken automatically after every
 * {@code snapshotEverySegments} size rotations (0: never automatically); recovery reads segments through a buffer of
 * {@code readBufferBytes}; the writer lets at least {@code commitInterval} pass from one fsync to the next, so that
 * the changes queued meanwhile share one (zero: an fsync as soon as anything is queued).
 */
public record JournalSettings(long segmentBytes, int snapshotEverySegments, int readBufferBytes,
                              Duration commitInterval) {

    /** The longest commit interval accepted: every acknowledgement waits up to this long (post-dial delay). */
    public static final Duration MAX_COMMIT_INTERVAL = Duration.ofMillis(50);

    /** 64 MiB segments, a snapshot after every two of them, 1 MiB read buffer, an fsync as soon as anything is queued. */
    public static final JournalSettings DEFAULTS = new JournalSettings(64L << 20, 2, 1 << 20);

    public JournalSettings {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("journal segmentBytes must be positive: " + segmentBytes);
        }
        if (snapshotEverySegments < 0) {
            throw new IllegalArgumentException("journal snapshotEverySegments must not be negative (0: never): "
                    + snapshotEverySegments);
        }
        if (readBufferBytes < 16) {
            throw new IllegalArgumentException("journal readBufferBytes must be at least 16: " + readBufferBytes);
        }
        Objects.requireNonNull(commitInterval, "commitInterval");
        if (commitInterval.isNegative() || commitInterval.compareTo(MAX_COMMIT_INTERVAL) > 0) {
            throw new IllegalArgumentException("journal commitInterval must be between 0 and "
                    + MAX_COMMIT_INTERVAL.toMillis() + "ms: " + commitInterval);
        }
    }

    public JournalSettings(long segmentBytes, int snapshotEverySegments, int readBufferBytes) {
        this(segmentBytes, snapshotEverySegments, readBufferBytes, Duration.ZERO);
    }

    public static JournalSettings defaults() {
        return DEFAULTS;
    }

    public JournalSettings withCommitInterval(Duration interval) {
        return new JournalSettings(segmentBytes, snapshotEverySegments, readBufferBytes, interval);
    }
}
