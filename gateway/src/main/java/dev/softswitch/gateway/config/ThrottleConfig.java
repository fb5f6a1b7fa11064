package dev.softswitch.gateway.config;

import java.time.Duration;

/**
 * Throttling of app clients, like Kamailio's pike with a ban list: limits on failed digest
 * authentications per source address and per account (the digest user name), and on new INVITEs per
 * source address; going over a limit bans the address or the account for {@code banFor}. Per-address
 * limits are generous because many users may share one carrier-grade NAT address; per-account limits
 * are strict because one account's password is what a guesser is after. {@code maxTracked} bounds the
 * addresses and the accounts remembered, each.
 */
public record ThrottleConfig(int sourceFailuresPerMinute, int accountFailuresPerMinute, int sourceInvitesPerSecond,
                             Duration banFor, int maxTracked) {

    public static final ThrottleConfig DEFAULTS = new ThrottleConfig(30, 5, 50, Duration.ofMinutes(10), 100_000);

    public ThrottleConfig {
        Checks.between("sourceFailuresPerMinute", sourceFailuresPerMinute, 1, 100_000);
        Checks.between("accountFailuresPerMinute", accountFailuresPerMinute, 1, 10_000);
        Checks.between("sourceInvitesPerSecond", sourceInvitesPerSecond, 1, 100_000);
        Checks.present("banFor", banFor);
        if (banFor.compareTo(Duration.ofSeconds(1)) < 0 || banFor.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidValueException("banFor", banFor + " is outside 1s..24h (use e.g. 10m)");
        }
        Checks.between("maxTracked", maxTracked, 100, 10_000_000);
    }
}
