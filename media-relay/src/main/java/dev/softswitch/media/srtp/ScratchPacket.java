package dev.softswitch.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * A reusable heap buffer that jitsi-srtp transforms in place: the relay copies a packet in, lets
 * the crypto context encrypt or decrypt it, and copies it back. One per transformer, used by one
 * thread; sized so that adding a tag never needs to grow it.
 */
final class ScratchPacket implements ByteArrayBuffer {

    private byte[] buffer;
    private int offset;
    private int length;

    ScratchPacket(int capacity) {
        this.buffer = new byte[capacity];
    }

    /** Room left for the packet itself, leaving space for an SRTCP index and a tag. */
    int maxPacketLength() {
        return buffer.length - 64;
    }

    void reset(int packetLength) {
        offset = 0;
        length = packetLength;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int len) {
        if (len < 0 || offset + len > buffer.length) {
            throw new IllegalArgumentException("length " + len + " out of range");
        }
        length = len;
    }

    @Override
    public void setOffset(int off) {
        if (off < 0 || off + length > buffer.length) {
            throw new IllegalArgumentException("offset " + off + " out of range");
        }
        offset = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] outBuff) {
        System.arraycopy(buffer, offset + off, outBuff, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buffer.length) {
            byte[] larger = new byte[offset + length + howMuch];
            System.arraycopy(buffer, 0, larger, 0, buffer.length);
            buffer = larger;
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buffer, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = len >= length ? 0 : length - len;
    }
}
