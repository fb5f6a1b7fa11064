package dev.softswitch.gateway.sip;

import java.util.concurrent.ThreadLocalRandom;

/** Fresh tags and Call-IDs (RFC 3261 §19.3: globally unique, at least 32 bits of randomness). */
public final class SipIds {

    private SipIds() {
    }

    public static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    public static String newCallId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
