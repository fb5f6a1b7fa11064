package dev.softswitch.charging.session;

import dev.softswitch.charging.account.Account;
import dev.softswitch.charging.account.InMemoryAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authorises calls before they are routed (CHG-6): finds the destination's rate by longest prefix,
 * reserves the connect fee and first increment, and hands back a {@link ChargingSession} for the call.
 * The rate table can be replaced at run time with {@link #reloadRates}; running sessions keep their rate.
 */
public final class ChargingEngine {

    private static final Logger log = LoggerFactory.getLogger(ChargingEngine.class);

    private final InMemoryAccountStore accounts;
    private final AtomicReference<RateTable> rates;

    public ChargingEngine(InMemoryAccountStore accounts, RateTable rates) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.rates = new AtomicReference<>(Objects.requireNonNull(rates, "rates"));
    }

    /** Replaces the rate table for calls authorised from now on (OPS-3 reload). */
    public void reloadRates(RateTable newRates) {
        rates.set(Objects.requireNonNull(newRates, "newRates"));
        log.info("rate table reloaded: {} rates", newRates.size());
    }

    /** The rate table new calls are charged by. */
    public RateTable rates() {
        return rates.get();
    }

    public InMemoryAccountStore accounts() {
        return accounts;
    }

    /**
     * Decides whether a call may be routed.
     *
     * @param destinationDigits the called number in E.164 form without '+'
     */
    public Authorisation authorise(String callId, String accountId, String destinationDigits) {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(destinationDigits, "destinationDigits");
        Optional<Account> account = accounts.account(accountId);
        if (account.isEmpty()) {
            return deny(callId, DenialReason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'");
        }
        if (destinationDigits.isEmpty() || !destinationDigits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return deny(callId, DenialReason.NO_RATE,
                    "destination '" + destinationDigits + "' is not an E.164 number of digits without '+'");
        }
        Optional<Rate> found = rates.get().lookup(destinationDigits);
        if (found.isEmpty()) {
            return deny(callId, DenialReason.NO_RATE, "no rate for destination " + destinationDigits);
        }
        Rate rate = found.get();
        String currency = account.get().currency();
        if (!rate.currency().equals(currency)) {
            return deny(callId, DenialReason.CURRENCY_MISMATCH, "rate '" + rate.prefix() + "' (" + rate.destinationName()
                    + ") charges in " + rate.currency() + " but account '" + accountId + "' holds " + currency);
        }
        Money first = rate.firstReservation();
        if (!accounts.reserve(accountId, first)) {
            return deny(callId, DenialReason.INSUFFICIENT_CREDIT, "account '" + accountId + "' has "
                    + accounts.available(accountId) + " available; the call to " + rate.destinationName()
                    + " needs " + first + " for its connect fee and first " + rate.initialIncrementSeconds() + " s");
        }
        log.debug("call {}: authorised for account {} at rate '{}', reserved {}", callId, accountId, rate.prefix(), first);
        return new Authorisation.Granted(new ChargingSession(accounts, callId, accountId, rate, first));
    }

    private static Authorisation deny(String callId, DenialReason reason, String message) {
        log.info("call {}: denied {}: {}", callId, reason, message);
        return new Authorisation.Denied(reason, message);
    }
}
