package dev.softswitch.charging.journal;

import dev.softswitch.charging.event.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one journal segment during recovery, streaming through a fixed buffer with {@code long} positions, so a
 * segment of any size needs no more heap than its largest frame. A frame is {@code [int length][int crc32c][long seq]
 * [event]}, the CRC covering seq and event. A bad frame is a torn tail only when it is in the last segment and no
 * valid frame follows it: then it is cut off (logged at WARN). Anything else is damage that recovery must not paper
 * over: {@link JournalCorruptException}, and the file is left as it is.
 */
final class SegmentReader {

    /** Receives each valid frame in order. */
    interface FrameSink {
        void accept(long seq, JournalEvent event, long offset) throws IOException;
    }

    static final int MAX_FRAME = 16 * 1024 * 1024;
    /** Header plus sequence number plus the smallest event (its tag byte). */
    private static final int MIN_FRAME_BYTES = 8 + 8 + 1;
    private static final Logger log = LoggerFactory.getLogger(SegmentReader.class);

    private final Path segment;
    private final boolean last;
    private final int bufferBytes;

    SegmentReader(Path segment, boolean last, int bufferBytes) {
        this.segment = segment;
        this.last = last;
        this.bufferBytes = bufferBytes;
    }

    /**
     * Feeds every frame to {@code sink}, checking that sequence numbers run on from {@code expectedSeq}, and returns
     * the sequence number the next frame would have.
     */
    long read(long expectedSeq, FrameSink sink) throws IOException {
        long size;
        long pos = 0;
        long expected = expectedSeq;
        String problem = null;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            size = ch.size();
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), bufferBytes);
            byte[] header = new byte[8];
            while (pos < size) {
                int got = in.readNBytes(header, 0, 8);
                if (got < 8) {
                    problem = "a frame header cut short (" + got + " of 8 bytes)";
                    break;
                }
                ByteBuffer h = ByteBuffer.wrap(header);
                int length = h.getInt();
                int crc = h.getInt();
                if (length < 9 || length > MAX_FRAME) {
                    problem = "an implausible frame length " + length;
                    break;
                }
                if (pos + 8 + length > size) {
                    problem = "a frame of " + length + " bytes running past the end of the file (" + size + " bytes)";
                    break;
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length || checksum(body, 0, length) != crc) {
                    problem = "a checksum mismatch in a frame of " + length + " bytes";
                    break;
                }
                DataInputStream frame = new DataInputStream(new ByteArrayInputStream(body));
                long seq = frame.readLong();
                if (seq != expected) {
                    throw corrupt(pos, "a valid frame with sequence number " + seq + " where " + expected
                            + " was expected (a segment is missing or files were mixed up)");
                }
                JournalEvent event;
                try {
                    event = JournalCodec.read(frame);
                } catch (IOException | RuntimeException e) {
                    throw corrupt(pos, "event " + seq + " passes its checksum but cannot be decoded (" + e.getMessage()
                            + "; was it written by a newer version?)");
                }
                sink.accept(seq, event, pos);
                expected = seq + 1;
                pos += 8 + length;
            }
        }
        if (problem == null) {
            return expected;
        }
        if (!last) {
            throw corrupt(pos, problem + ", in a segment that is not the last one");
        }
        long next = findValidFrame(pos + 1, size, expected);
        if (next >= 0) {
            throw corrupt(pos, problem + ", and a valid frame follows at byte " + next
                    + ", so this is not a torn tail");
        }
        log.warn("journal {}: cutting off a torn tail of {} byte(s) at byte {} ({}); the record being written "
                + "at the crash was never acknowledged", segment, size - pos, pos, problem);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
        }
        return expected;
    }

    /**
     * Looks for a valid frame from {@code from} on whose sequence number could follow {@code expected}: the offset of
     * the first one, or -1.
     */
    private long findValidFrame(long from, long size, long expected) throws IOException {
        long maxSeq = expected + (size - from) / MIN_FRAME_BYTES + 1;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer window = ByteBuffer.allocate(Math.max(bufferBytes, 16));
            long windowStart = from;
            window.limit(0);
            for (long p = from; p + MIN_FRAME_BYTES <= size; p++) {
                if (p + 16 > windowStart + window.limit()) {
                    windowStart = p;
                    window.clear();
                    readFully(ch, windowStart, window);
                    window.flip();
                    if (window.limit() < 16) {
                        return -1;
                    }
                }
                int at = (int) (p - windowStart);
                int length = window.getInt(at);
                long seq = window.getLong(at + 8);
                if (length < 9 || length > MAX_FRAME || p + 8 + length > size || seq < expected || seq > maxSeq) {
                    continue;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(ch, p + 8, body);
                if (!body.hasRemaining() && checksum(body.array(), 0, length) == window.getInt(at + 4)) {
                    return p;
                }
            }
        }
        return -1;
    }

    private static void readFully(FileChannel ch, long position, ByteBuffer into) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private JournalCorruptException corrupt(long offset, String what) {
        return new JournalCorruptException(segment, offset, "journal segment " + segment + " is damaged at byte "
                + offset + ": " + what + ". Refusing to start rather than drop acknowledged records; nothing was "
                + "changed. To recover, restore " + segment.getFileName() + " from a backup or a replica; or, "
                + "accepting the loss of every record from byte " + offset + " on (and of any later segment), "
                + "truncate it with `truncate -s " + offset + " " + segment + "` and move any later journal-*.log "
                + "files away.");
    }

    static int checksum(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }
}
