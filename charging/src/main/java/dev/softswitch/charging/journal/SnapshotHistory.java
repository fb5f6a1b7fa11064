package dev.softswitch.charging.journal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What a snapshot source gathered for the snapshot's history file ({@link HistoryChain}): what the history gained
 * since the snapshot before.
 */
public interface SnapshotHistory {

    /** The newest instant (epoch milliseconds) the file will hold: it leaves the chain once that is past keeping. */
    long newest();

    void write(DataOutput out) throws IOException;

    /** Rewrites one kept history file, entry by entry (to erase personal data from it). */
    interface Rewrite {
        void rewrite(DataInput in, DataOutput out) throws IOException;
    }
}
