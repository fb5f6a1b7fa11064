package dev.softswitch.media.session;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's live sessions, and what is left of the closed ones: their RTP expected and lost
 * (RFC 3550 A.3) summed, and the observers told of each session's final figures. Thread-safe.
 */
public final class SessionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final LongAdder closedRtpExpected = new LongAdder();
    private final LongAdder closedRtpLost = new LongAdder();
    private final List<Consumer<SessionStats>> closedObservers = new CopyOnWriteArrayList<>();

    void add(RelaySession session) {
        sessions.add(session);
    }

    /** Forgets {@code session}, keeps its RTP figures in the totals and tells the observers. */
    void closed(RelaySession session) {
        sessions.remove(session);
        SessionStats stats = session.stats();
        closedRtpExpected.add(stats.clientToCarrier().rtpExpected() + stats.carrierToClient().rtpExpected());
        closedRtpLost.add(stats.clientToCarrier().rtpLost() + stats.carrierToClient().rtpLost());
        for (Consumer<SessionStats> observer : closedObservers) {
            try {
                observer.accept(stats);
            } catch (RuntimeException e) {
                log.warn("session close observer failed for {}", stats.callId(), e);
            }
        }
    }

    /** The live sessions, a weakly consistent view. */
    public Iterable<RelaySession> sessions() {
        return sessions;
    }

    public int size() {
        return sessions.size();
    }

    /** Calls {@code observer} with the final figures of every session that closes from now on. */
    public void onSessionClosed(Consumer<SessionStats> observer) {
        closedObservers.add(Objects.requireNonNull(observer, "observer"));
    }

    /** RTP packets expected by all sessions since start, live and closed. */
    public long rtpPacketsExpected() {
        long sum = closedRtpExpected.sum();
        for (RelaySession session : sessions) {
            SessionStats stats = session.stats();
            sum += stats.clientToCarrier().rtpExpected() + stats.carrierToClient().rtpExpected();
        }
        return sum;
    }

    /** RTP packets lost on the way to the relay, all sessions since start, live and closed. */
    public long rtpPacketsLost() {
        long sum = closedRtpLost.sum();
        for (RelaySession session : sessions) {
            SessionStats stats = session.stats();
            sum += stats.clientToCarrier().rtpLost() + stats.carrierToClient().rtpLost();
        }
        return sum;
    }
}
