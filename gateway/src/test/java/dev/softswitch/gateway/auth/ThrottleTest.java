package dev.softswitch.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.config.ThrottleConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pike-like limits and the ban list on a manual clock: who is banned when, for how long, and how
 * much the throttle remembers while millions of spoofed addresses come by. Nothing sleeps.
 */
class ThrottleTest {

    private static final Endpoint NAT = Endpoint.of("203.0.113.1", 40001, TransportType.UDP);
    private static final Endpoint OTHER = Endpoint.of("198.51.100.9", 5070, TransportType.UDP);
    private static final SIPRequest INVITE = request("INVITE", null);

    private final ManualTimerService clock = new ManualTimerService();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Throttle throttle = new Throttle(ThrottleConfig.DEFAULTS, clock::now, new GatewayMetrics(registry));

    @Test
    void theFiftyFirstNewInviteInASecondIsDroppedAndBansItsSourceForTenMinutes() {
        for (int i = 0; i < 50; i++) {
            assertThat(throttle.admits(INVITE, NAT)).as("INVITE %d", i + 1).isTrue();
        }
        assertThat(throttle.admits(INVITE, NAT)).isFalse();
        assertThat(throttle.admits(INVITE, OTHER)).isTrue();
        assertThat(throttle.admits(request("OPTIONS", null), NAT)).isFalse();

        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(throttle.admits(INVITE, Endpoint.of("203.0.113.1", 40999, TransportType.TCP))).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.admits(INVITE, NAT)).isTrue();

        assertThat(count("sip.throttled", "reason", "invite_rate")).isEqualTo(1);
        assertThat(count("sip.throttled", "reason", "source_banned")).isEqualTo(2);
        assertThat(count("sip.bans", "scope", "source")).isEqualTo(1);
    }

    @Test
    void aBannedSourceCanStillEndTheCallsItHasUp() {
        for (int i = 0; i <= 50; i++) {
            throttle.admits(INVITE, NAT);
        }
        assertThat(throttle.admits(INVITE, NAT)).isFalse();
        assertThat(throttle.admits(request("BYE", "gw-tag"), NAT)).isTrue();
        assertThat(throttle.admits(request("ACK", "gw-tag"), NAT)).isTrue();
        assertThat(throttle.admits(request("CANCEL", null), NAT)).isFalse();
    }

    @Test
    void aCarrierGradeNatSendingFortyCallsASecondForAMinuteIsNeverThrottled() {
        for (int second = 0; second < 60; second++) {
            for (int i = 0; i < 40; i++) {
                assertThat(throttle.admits(INVITE, NAT)).isTrue();
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(count("sip.bans", "scope", "source")).isZero();
    }

    @Test
    void theSixthFailureOfAnAccountInAMinuteBansTheAccountNotTheAddressItsUsersShare() {
        for (int i = 0; i < 5; i++) {
            throttle.failed(NAT, "alice");
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(throttle.accountBanned("alice")).isFalse();
        throttle.failed(NAT, "alice");
        assertThat(throttle.accountBanned("alice")).isTrue();
        // Everyone else behind the same address goes on calling; and a failure now and then is fine.
        for (int i = 0; i < 20; i++) {
            throttle.failed(NAT, "user" + i);
        }
        assertThat(throttle.accountBanned("bob")).isFalse();
        assertThat(throttle.accountBanned("user0")).isFalse();
        assertThat(throttle.admits(INVITE, NAT)).isTrue();

        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(throttle.accountBanned("alice")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.accountBanned("alice")).isFalse();
        assertThat(count("sip.bans", "scope", "account")).isEqualTo(1);
        assertThat(count("sip.throttled", "reason", "account_banned")).isEqualTo(2);
    }

    @Test
    void failuresDrainAtTheRateOfTheLimitSoASlowGuesserIsNeverBannedButAlsoGetsFiveAMinute() {
        for (int i = 0; i < 5; i++) {
            throttle.failed(OTHER, "alice");
        }
        for (int minute = 0; minute < 10; minute++) {
            clock.advance(Duration.ofSeconds(12));
            throttle.failed(OTHER, "alice");
            assertThat(throttle.accountBanned("alice")).isFalse();
        }
        clock.advance(Duration.ofSeconds(11));
        throttle.failed(OTHER, "alice");
        assertThat(throttle.accountBanned("alice")).isTrue();
    }

    @Test
    void theThirtyFirstFailureFromOneAddressInAMinuteBansTheAddressWhateverTheAccounts() {
        for (int i = 0; i < 30; i++) {
            throttle.failed(NAT, "guess" + i);
        }
        assertThat(throttle.admits(INVITE, NAT)).isTrue();
        throttle.failed(NAT, "guess30");
        assertThat(throttle.admits(INVITE, NAT)).isFalse();
        assertThat(throttle.admits(INVITE, OTHER)).isTrue();
    }

    @Test
    void aMillionSpoofedAddressesAndAccountsFitInTheBoundedTables() {
        Throttle small = new Throttle(new ThrottleConfig(30, 5, 1, Duration.ofMinutes(10), 1000), clock::now,
                new GatewayMetrics(registry));
        for (int i = 0; i < 1_000_000; i++) {
            Endpoint spoofed = Endpoint.of("10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff), 5060,
                    TransportType.UDP);
            small.admits(INVITE, spoofed);
            small.admits(INVITE, spoofed); // one a second: the second bans the address
            small.failed(spoofed, "user" + i);
        }
        assertThat(java.util.Arrays.stream(small.sizes()).max().orElseThrow()).isLessThanOrEqualTo(1000);
        assertThat(count("sip.bans", "scope", "source")).isEqualTo(1_000_000);
        // The newest bans are the ones kept: the addresses sending now are the ones stopped.
        assertThat(small.admits(INVITE, Endpoint.of("10.15.66.63", 5060, TransportType.UDP))).isFalse();
    }

    private double count(String name, String tag, String value) {
        var counter = registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private static SIPRequest request(String method, String toTag) {
        return SipMessageFixtures.request(method, "sip:+447400123456@192.0.2.1")
                .via(TransportType.UDP, "203.0.113.1:40001", "z9hG4bKthrottle")
                .from("<sip:alice@192.0.2.1>", "client-tag")
                .to("<sip:+447400123456@192.0.2.1>", toTag)
                .callId("throttle-1")
                .cseq(1)
                .build();
    }
}
