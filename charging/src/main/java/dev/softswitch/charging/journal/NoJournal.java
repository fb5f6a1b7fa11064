package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;

/** Journal off: nothing is written and everything counts as durable at once (tests, benchmarks, the skeleton). */
public final class NoJournal implements Journal {

    @Override
    public long append(JournalEvent event) {
        return 0;
    }

    @Override
    public void awaitDurable(long seq) {
        // nothing to wait for
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public void close() {
        // nothing to close
    }
}
