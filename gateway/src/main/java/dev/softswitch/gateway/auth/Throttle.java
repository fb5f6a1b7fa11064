package dev.softswitch.gateway.auth;

import dev.softswitch.gateway.config.ThrottleConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throttling like Kamailio's pike, with a ban list: a source address that sends new INVITEs faster
 * than the limit, or fails authentication too often, is banned, and its requests are then dropped
 * unanswered before the transaction layer (not even 100 Trying: a guesser learns nothing and costs
 * nothing); an account (the digest user name) that fails too often is banned, and a request naming it
 * is refused with the usual 403 without its password being checked. Bans lift by themselves after
 * {@link ThrottleConfig#banFor()}. Requests within a dialog always pass, so that a call admitted
 * earlier from a banned address (one carrier-grade NAT, many users) can still be hung up and stop
 * being charged. Memory is bounded by {@link ThrottleConfig#maxTracked()} per table. SIP core thread.
 */
public final class Throttle {

    private static final Logger log = LoggerFactory.getLogger(Throttle.class);
    private static final long MICROS_PER_SECOND = 1_000_000L;
    /** Bans logged at WARN per minute; beyond, they are counted and summed up in the next line. */
    private static final int BAN_LINES_PER_MINUTE = 20;

    private final Supplier<Instant> clock;
    private final GatewayMetrics metrics;
    private final ThrottleConfig config;
    private final long banMicros;
    private final RateLimiter invitesBySource;
    private final RateLimiter failuresBySource;
    private final RateLimiter failuresByAccount;
    private final BanList bannedSources;
    private final BanList bannedAccounts;
    private volatile BanListener bans = (kind, key, until) -> { };
    private long banLogMinute = Long.MIN_VALUE;
    private int banLinesThisMinute;
    private int bansNotLogged;

    public Throttle(ThrottleConfig config, Supplier<Instant> clock, GatewayMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.banMicros = config.banFor().toNanos() / 1000;
        int capacity = config.maxTracked();
        this.invitesBySource = new RateLimiter(config.sourceInvitesPerSecond(), MICROS_PER_SECOND, capacity);
        this.failuresBySource = new RateLimiter(config.sourceFailuresPerMinute(), 60 * MICROS_PER_SECOND, capacity);
        this.failuresByAccount = new RateLimiter(config.accountFailuresPerMinute(), 60 * MICROS_PER_SECOND, capacity);
        this.bannedSources = new BanList(capacity);
        this.bannedAccounts = new BanList(capacity);
    }

    /** Told of every ban this node makes ({@code kind} source or account), to share it with other nodes (SCL-1). */
    public interface BanListener {
        void banned(String kind, String key, Instant until);
    }

    public void onBan(BanListener listener) {
        this.bans = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * A ban another node sharing the store made: held here too until it ends, not told again. An account guessed at
     * through several nodes is banned on all of them once one bans it. SIP core thread.
     */
    public void adopt(String kind, String key, Instant until) {
        long now = nowMicros();
        long end = until.getEpochSecond() * MICROS_PER_SECOND + until.getNano() / 1000;
        BanList list = "account".equals(kind) ? bannedAccounts : "source".equals(kind) ? bannedSources : null;
        if (list != null && end > now && list.ban(key, now, end)) {
            log.info("{} {} banned until {} by another node", kind, key, until);
        }
    }

    /**
     * The check at the door, before the transaction layer: false when {@code request} is to be dropped
     * unanswered (its source is banned, or this new INVITE is one too many and bans it).
     */
    public boolean admits(SIPRequest request, Endpoint source) {
        if (request.getTo() != null && request.getToTag() != null) {
            return true;
        }
        String address = addressOf(source);
        long now = nowMicros();
        if (bannedSources.banned(address, now)) {
            metrics.throttled("source_banned");
            log.debug("dropped {} from banned {}", request.getMethod(), source);
            return false;
        }
        if (Request.INVITE.equals(request.getMethod()) && !invitesBySource.acquire(address, now)) {
            metrics.throttled("invite_rate");
            banSource(address, now, "more than " + config.sourceInvitesPerSecond() + " new INVITEs a second");
            return false;
        }
        return true;
    }

    /** Whether {@code account} is banned: a request naming it is refused without checking its password. */
    public boolean accountBanned(String account) {
        if (bannedAccounts.banned(account, nowMicros())) {
            metrics.throttled("account_banned");
            return true;
        }
        return false;
    }

    /**
     * Counts credentials from {@code source} naming {@code account} that proved nothing (wrong password,
     * unknown user, replay), and bans either when it goes over its limit.
     */
    public void failed(Endpoint source, String account) {
        String address = addressOf(source);
        long now = nowMicros();
        if (!failuresBySource.acquire(address, now)) {
            banSource(address, now, "more than " + config.sourceFailuresPerMinute() + " failed authentications a minute");
        }
        if (account != null && !failuresByAccount.acquire(account, now)
                && bannedAccounts.ban(account, now, now + banMicros)) {
            metrics.banned("account");
            bans.banned("account", account, until(now));
            logBan(now, "account " + account, "more than " + config.accountFailuresPerMinute()
                    + " failed authentications a minute, the last from " + address);
        }
    }

    private void banSource(String address, long now, String why) {
        if (bannedSources.ban(address, now, now + banMicros)) {
            metrics.banned("source");
            bans.banned("source", address, until(now));
            logBan(now, "source " + address, why + "; its requests are dropped unanswered");
        }
    }

    /** One WARN line per ban, at most {@link #BAN_LINES_PER_MINUTE} a minute (spoofed floods make many). */
    private void logBan(long now, String who, String why) {
        long minute = now / (60 * MICROS_PER_SECOND);
        if (minute != banLogMinute) {
            banLogMinute = minute;
            banLinesThisMinute = 0;
        }
        if (banLinesThisMinute >= BAN_LINES_PER_MINUTE) {
            bansNotLogged++;
            log.debug("{} banned until {}: {}", who, until(now), why);
            return;
        }
        banLinesThisMinute++;
        if (bansNotLogged > 0) {
            log.warn("{} banned until {}: {} ({} more bans not logged before this one, see sip_bans_total)", who,
                    until(now), why, bansNotLogged);
            bansNotLogged = 0;
        } else {
            log.warn("{} banned until {}: {}", who, until(now), why);
        }
    }

    /** Sizes of the tables (invites, failures by source, failures by account, banned sources, banned accounts). */
    int[] sizes() {
        return new int[] {invitesBySource.size(), failuresBySource.size(), failuresByAccount.size(),
            bannedSources.size(), bannedAccounts.size()};
    }

    private Instant until(long nowMicros) {
        return Instant.EPOCH.plus(nowMicros + banMicros, ChronoUnit.MICROS);
    }

    private long nowMicros() {
        Instant now = clock.get();
        return now.getEpochSecond() * MICROS_PER_SECOND + now.getNano() / 1000;
    }

    /** The address without the port: behind NAT every call may come from another port. */
    private static String addressOf(Endpoint source) {
        InetAddress a = source.address().getAddress();
        return a != null ? a.getHostAddress() : source.address().getHostString();
    }
}
