package dev.softswitch.charging.journal;

/**
 * How the file journal lays out its files (CHG-7): a segment is closed once it holds {@code segmentBytes} (checked
 * after each group commit, so a segment may exceed it by one batch); a snapshot is taken automatically after every
 * {@code snapshotEverySegments} size rotations (0: never automatically); recovery reads segments through a buffer of
 * {@code readBufferBytes}.
 */
public record JournalSettings(long segmentBytes, int snapshotEverySegments, int readBufferBytes) {

    /** 64 MiB segments, a snapshot after every two of them, 1 MiB read buffer. */
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
    }

    public static JournalSettings defaults() {
        return DEFAULTS;
    }
}
