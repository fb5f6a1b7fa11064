package dev.softswitch.charging.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A journal segment or snapshot is damaged in a way recovery must not repair on its own (CHG-7): the message names
 * the file, the byte offset, what is wrong and how to recover. Nothing has been modified when this is thrown.
 */
public final class JournalCorruptException extends IOException {

    private final transient Path file;
    private final long offset;

    public JournalCorruptException(Path file, long offset, String message) {
        super(message);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
