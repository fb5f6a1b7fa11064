package dev.softswitch.charging.session;

import dev.softswitch.charging.account.Account;
import dev.softswitch.charging.account.AccountHousekeeping;
import dev.softswitch.charging.account.AccountOptions;
import dev.softswitch.charging.account.MonthlyPackage;
import dev.softswitch.charging.account.PlanProduct;
import dev.softswitch.charging.account.UnknownAccountException;
import dev.softswitch.charging.account.FairUseStanding;
import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUseMonitor;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.account.AccountHousekeeping;
import dev.softswitch.charging.account.ForeignEvents;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.Refusal;
import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.CallExplanation;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateCategory;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Authorises calls before they are routed (CHG-6): finds the destination's rate by longest prefix in the deck in
 * effect now (CHG-2), holds the first increment (plan minute, package minute or credit with its connect fee) and
 * hands back a {@link ChargingSession} for the call. Decks can be replaced at once with {@link #reloadRates} or
 * scheduled with {@link #scheduleRates}; running sessions keep their rate.
 */
public final class ChargingEngine {

    private static final Logger log = LoggerFactory.getLogger(ChargingEngine.class);
    /** How long a reservation outlives its paid time before it counts as abandoned and is handed back. */
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(2);
    /** How far back usage history goes by default (ACC-1). */
    public static final Duration DEFAULT_HISTORY_PERIOD = AccountHousekeeping.DEFAULT_USAGE_RETENTION;

    private final JournalledAccountStore accounts;
    private final AtomicReference<ProductCatalog> catalog;
    private final Clock clock;
    private final Duration reservationTtl;
    private final FairUseMonitor fairUse;
    private volatile Duration historyPeriod = DEFAULT_HISTORY_PERIOD;
    /** No purchase is taken from this instant on (seed 000: credit sales end before the service closes). */
    private volatile Instant salesEnd = Instant.MAX;

    public ChargingEngine(JournalledAccountStore accounts, RateTable rates) {
        this(accounts, RateSchedule.of(rates), accounts.clock(), DEFAULT_RESERVATION_TTL);
    }

    /**
     * An engine selling one product priced by {@code schedule}, for accounts opened without a product.
     *
     * @param reservationTtl how long past its paid time (or past authorisation, before answer) a reservation lives
     *                       without being touched before {@link #expireReservations} hands it back
     */
    public ChargingEngine(JournalledAccountStore accounts, RateSchedule schedule, Clock clock, Duration reservationTtl) {
        this(accounts, ProductCatalog.of(Product.ofSchedule(Objects.requireNonNull(schedule, "schedule"))), clock,
                reservationTtl);
    }

    /** An engine selling the products of {@code catalog}; each account is priced by the product it belongs to. */
    public ChargingEngine(JournalledAccountStore accounts, ProductCatalog catalog, Clock clock, Duration reservationTtl) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.catalog = new AtomicReference<>(Objects.requireNonNull(catalog, "catalog"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reservationTtl = Objects.requireNonNull(reservationTtl, "reservationTtl");
        this.fairUse = new FairUseMonitor(accounts, clock);
        ForeignEvents.listen(accounts, (id, product, event, opens) -> this.catalog.get().find(product)
                .ifPresent(p -> fairUse.elsewhere(id, p.fairUseScope(), event, opens)));
        // A renewal is a new purchase at the terms sold then (seeds 000/001), from the products of the moment.
        accounts.housekeeping().renewalTerms((product, plan) -> product == null ? null
                : this.catalog.get().find(product).flatMap(p -> p.plan(plan)).orElse(null));
    }

    /** The fair-use detectors watching calls as they are authorised and settled (FUP-1, FUP-2). */
    public FairUseMonitor fairUse() {
        return fairUse;
    }

    /**
     * Replaces the products for calls authorised and purchases made from now on (OPS-3 reload); running calls
     * keep the rate they were authorised at, and accounts keep what they bought.
     */
    public void reloadProducts(ProductCatalog next) {
        catalog.set(Objects.requireNonNull(next, "next"));
        log.info("products reloaded: {}", next.all().stream().map(Product::name).toList());
    }

    /** The products sold now. */
    public ProductCatalog products() {
        return catalog.get();
    }

    /** Refuses every purchase from {@code end} on (the service closure's end of sales); {@link Instant#MAX}: never. */
    public void salesEnd(Instant end) {
        this.salesEnd = Objects.requireNonNull(end, "end");
    }

    /**
     * Whether the service's end has been announced (a closure is scheduled, seed 000): then a 30-day plan no longer
     * renews itself and one bought from now on is sold without auto-renewal (CHG-4: "auto-renewal is not available
     * if [the end] has already been announced at the time of purchase"); withdrawn, renewal is available again.
     */
    public void serviceEndAnnounced(boolean announced) {
        accounts.housekeeping().setAutoRenewal(!announced);
    }

    /** Replaces the default product's rate table for calls authorised from now on; scheduled later decks stay. */
    public void reloadRates(RateTable newRates) {
        Objects.requireNonNull(newRates, "newRates");
        Instant now = clock.instant();
        replaceDefaultSchedule(s -> {
            RateSchedule kept = RateSchedule.of(newRates);
            for (RateSchedule.Entry e : s.entries()) {
                if (e.effectiveFrom().isAfter(now)) {
                    kept = kept.withDeck(e.effectiveFrom(), e.deck());
                }
            }
            return kept;
        });
        log.info("rate table {} reloaded: {} rates", newRates.name(), newRates.size());
    }

    /** Makes {@code deck} the default product's deck for calls authorised from {@code effectiveFrom} on (CHG-2). */
    public void scheduleRates(RateTable deck, Instant effectiveFrom) {
        replaceDefaultSchedule(s -> s.withDeck(effectiveFrom, deck));
        log.info("rate deck {} scheduled from {}: {} rates", deck.name(), effectiveFrom, deck.size());
    }

    private void replaceDefaultSchedule(java.util.function.UnaryOperator<RateSchedule> change) {
        catalog.updateAndGet(c -> {
            List<Product> all = new ArrayList<>(c.all());
            all.set(0, all.get(0).withSell(change.apply(all.get(0).sell())));
            return ProductCatalog.of(all);
        });
    }

    /** The rate table the default product's new calls are charged by now. */
    public RateTable rates() {
        return catalog.get().defaultProduct().sell().deckAt(clock.instant());
    }

    public JournalledAccountStore accounts() {
        return accounts;
    }

    public Clock clock() {
        return clock;
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
        try {
            return authoriseOnStore(callId, accountId, destinationDigits);
        } catch (JournalUnavailableException e) { // a shared store that cannot be reached: fail closed
            log.warn("call {}: charging store unavailable: {}", callId, e.getMessage());
            return deny(callId, DenialReason.STORE_UNAVAILABLE, explain(DenialReason.STORE_UNAVAILABLE, callId, accountId, null));
        }
    }

    private Authorisation authoriseOnStore(String callId, String accountId, String destinationDigits) {
        Optional<Account> account = accounts.account(accountId);
        if (account.isEmpty()) {
            return deny(callId, DenialReason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'");
        }
        String suspension = accounts.administration().profile(accountId).suspension();
        if (suspension != null) {
            return deny(callId, DenialReason.ACCOUNT_SUSPENDED, suspension);
        }
        FairUseStanding standing = accounts.administration().fairUse(accountId);
        if (standing.accountSuspendedAt(clock.instant())) {
            return deny(callId, DenialReason.ACCOUNT_SUSPENDED,
                    fairUseSuspension(accountId, standing.accountUntil(), standing.accountReason()));
        }
        if (destinationDigits.isEmpty() || !destinationDigits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return deny(callId, DenialReason.NO_RATE,
                    "destination '" + destinationDigits + "' is not an E.164 number of digits without '+'");
        }
        Optional<Product> product = productOf(accountId);
        if (product.isEmpty()) {
            return deny(callId, DenialReason.UNKNOWN_PRODUCT, "account '" + accountId + "' belongs to product '"
                    + accounts.productOf(accountId).orElse("") + "', which is no longer configured");
        }
        RateTable deck = product.get().sell().deckAt(clock.instant());
        Optional<Rate> found = deck.lookup(destinationDigits);
        boolean premium = found.isPresent() && found.get().category() == RateCategory.PREMIUM;
        FairUseMonitor.Verdict verdict = fairUse.attempt(accountId, product.get().fairUseScope(), destinationDigits,
                premium);
        if (verdict instanceof FairUseMonitor.Refused r) {
            return r.action() == FairUseAction.SUSPEND_ACCOUNT
                    ? deny(callId, DenialReason.ACCOUNT_SUSPENDED, fairUseSuspension(accountId, r.until(), r.reason()))
                    : deny(callId, DenialReason.FAIR_USE_REFUSED, "Refused for fair use: " + r.reason());
        }
        if (found.isEmpty()) {
            return deny(callId, DenialReason.NO_RATE, "no rate for destination " + destinationDigits);
        }
        Rate rate = found.get();
        String currency = account.get().currency();
        if (!rate.currency().equals(currency)) {
            return deny(callId, DenialReason.CURRENCY_MISMATCH, "rate '" + rate.prefix() + "' (" + rate.destinationName()
                    + ") charges in " + rate.currency() + " but account '" + accountId + "' holds " + currency);
        }
        ChargingSession session;
        Refusal refusal;
        try {
            session = new ChargingSession(this, clock, reservationTtl, callId, accountId, destinationDigits, rate,
                    deck.name());
            refusal = session.reserveFirst();
        } catch (ArithmeticException e) {
            return deny(callId, DenialReason.PRICE_OUT_OF_RANGE, "the call to " + destinationDigits + " at rate '"
                    + rate.prefix() + "' of deck " + deck.name() + " cannot be priced for account '" + accountId
                    + "' within exact arithmetic (" + e.getMessage() + "); check the rate's price and connect fee");
        }
        if (refusal == Refusal.ACCOUNT_SUSPENDED) { // meanwhile, perhaps on another node
            String by = accounts.administration().profile(accountId).suspension();
            FairUseStanding now = accounts.administration().fairUse(accountId);
            return deny(callId, DenialReason.ACCOUNT_SUSPENDED, by != null ? by
                    : fairUseSuspension(accountId, now.accountUntil(), now.accountReason()));
        }
        if (refusal != null) {
            DenialReason reason = reasonFor(refusal);
            return deny(callId, reason, explain(reason, callId, accountId, rate));
        }
        log.debug("call {}: authorised for account {} at rate '{}' of deck {}", callId, accountId, rate.prefix(),
                deck.name());
        return new Authorisation.Granted(session);
    }

    /**
     * A fair-use suspension as the account's subscriber reads it: {@code fair use until 2027-01-01 00:00
     * Asia/Tokyo: <reason>} in the account's zone, or {@code until an operator lifts it}.
     */
    public String fairUseSuspension(String accountId, Instant end, String reason) {
        if (end == null || end.equals(Instant.MAX)) {
            return "fair use until an operator lifts it: " + reason;
        }
        java.time.ZoneId zone = accounts.zone(accountId).orElse(java.time.ZoneOffset.UTC);
        return "fair use until " + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .format(end.atZone(zone)) + " " + zone.getId() + ": " + reason;
    }

    /** Call {@code call} of {@code accountId} was settled: the fair-use detectors count it (FUP-1). */
    void settled(String accountId, ChargedCall call) {
        Optional<Product> product = productOf(accountId);
        if (product.isEmpty()) {
            return;
        }
        try {
            fairUse.callEnded(accountId, product.get().fairUseScope(), call);
        } catch (RuntimeException e) {
            log.error("call {}: the fair-use detectors failed on account {}", call.callId(), accountId, e);
        }
    }

    /** The product account {@code accountId} belongs to, empty when the account or its product is unknown. */
    public Optional<Product> productOf(String accountId) {
        return accounts.productOf(accountId).flatMap(name -> catalog.get().find(name));
    }

    /**
     * The dial-pad price of {@code destinationDigits} for {@code accountId} now (OPS-2): the rate of the account's
     * product, tax as the customer pays it, or why the number cannot be charged. Reserves nothing.
     */
    public Quote quote(String accountId, String destinationDigits) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(destinationDigits, "destinationDigits");
        if (accounts.account(accountId).isEmpty()) {
            return new Quote.Unpriced(DenialReason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'");
        }
        Optional<Product> product = productOf(accountId);
        if (product.isEmpty()) {
            return new Quote.Unpriced(DenialReason.UNKNOWN_PRODUCT, "account '" + accountId
                    + "' belongs to a product that is no longer configured");
        }
        if (destinationDigits.isEmpty() || !destinationDigits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Quote.Unpriced(DenialReason.NO_RATE, "'" + destinationDigits
                    + "' is not an E.164 number of digits without '+'");
        }
        RateTable deck = product.get().sell().deckAt(clock.instant());
        Optional<Rate> rate = deck.lookup(destinationDigits);
        if (rate.isEmpty()) {
            return new Quote.Unpriced(DenialReason.NO_RATE, "product '" + product.get().name()
                    + "' has no rate for " + destinationDigits);
        }
        try {
            return Quote.Priced.of(product.get().name(), deck.name(), rate.get());
        } catch (ArithmeticException e) {
            return new Quote.Unpriced(DenialReason.NO_RATE, "rate '" + rate.get().prefix() + "' overflows: " + e);
        }
    }

    /**
     * Opens account {@code accountId} on product {@code productName}, in the product's time zone unless
     * {@code zone} is given.
     *
     * @throws IllegalArgumentException naming the product if it is unknown, or if the account exists
     */
    public void openAccount(String accountId, String productName, java.time.ZoneId zone) {
        Product product = catalog.get().find(productName).filter(p -> !productName.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("unknown product '" + productName + "' (products: "
                        + catalog.get().all().stream().map(Product::name).toList() + ")"));
        AccountOptions options = product.accountOptions();
        accounts.open(accountId, zone == null ? options : options.withZone(zone));
    }

    /**
     * Sells credit: a lot valid for the product's credit validity (CHG-3), or coins' worth for a coin wallet.
     *
     * @return the lot id
     * @throws IllegalArgumentException for an unknown account, a wrong currency or a non-positive amount
     * @throws IllegalStateException    once sales have ended
     */
    public long purchaseCredit(String accountId, Money amount, String channel) {
        Product product = productForSale(accountId);
        Instant now = clock.instant();
        Instant expires = product.creditValidity() == null ? Instant.MAX : now.plus(product.creditValidity());
        return accounts.purchaseCredit(accountId, amount, now, channel, expires);
    }

    /**
     * Sells credit valid for {@code validity} instead of the product's (an operator's offer, OPS-2); refused like
     * {@link #purchaseCredit(String, Money, String)} once sales have ended.
     *
     * @return the lot id
     */
    public long purchaseCredit(String accountId, Money amount, String channel, Duration validity) {
        productForSale(accountId);
        Instant now = clock.instant();
        return accounts.purchaseCredit(accountId, amount, now, channel, now.plus(validity));
    }

    /**
     * Sells {@code coins} coins to a coin wallet: a lot worth {@code coins} times the product's coin value.
     *
     * @return the lot id
     */
    public long purchaseCoins(String accountId, long coins, String channel) {
        Product product = productForSale(accountId);
        if (product.coinValue() == null) {
            throw new IllegalArgumentException("product '" + product.name() + "' has no coins; buy credit instead");
        }
        if (coins <= 0) {
            throw new IllegalArgumentException("coins must be a positive whole number, got " + coins);
        }
        Money amount = new Money(Math.multiplyExact(product.coinValue().micros(), coins), product.currency());
        return purchaseCredit(accountId, amount, channel);
    }

    /**
     * Sells the 30-day plan {@code planName} of the account's product (CHG-4) at its price now.
     *
     * @return the plan id
     */
    public long purchasePlan(String accountId, String planName, boolean autoRenew) {
        Product product = productForSale(accountId);
        PlanProduct plan = product.plan(planName).orElseThrow(() -> new IllegalArgumentException("product '"
                + product.name() + "' sells no plan '" + planName + "' (plans: "
                + product.plans().stream().map(PlanProduct::name).toList() + ")"));
        return accounts.purchasePlan(accountId, plan, clock.instant(), autoRenew);
    }

    /** Subscribes the account to its product's monthly package {@code packageName} (CHG-5). */
    public void subscribePackage(String accountId, String packageName) {
        Product product = productForSale(accountId);
        MonthlyPackage pkg = product.monthlyPackage(packageName).orElseThrow(() -> new IllegalArgumentException(
                "product '" + product.name() + "' has no package '" + packageName + "' (packages: "
                        + product.packages().stream().map(MonthlyPackage::name).toList() + ")"));
        accounts.subscribePackage(accountId, pkg, clock.instant());
    }

    private Product productForSale(String accountId) {
        if (accounts.account(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        Instant now = clock.instant();
        if (!now.isBefore(salesEnd)) {
            throw new IllegalStateException("sales ended at " + salesEnd);
        }
        return productOf(accountId).orElseThrow(() -> new IllegalArgumentException("account '" + accountId
                + "' belongs to a product that is no longer configured"));
    }

    /** The denial for a store's refusal. */
    static DenialReason reasonFor(Refusal refusal) {
        return switch (refusal) {
            case SPEND_CAP_REACHED -> DenialReason.SPEND_CAP_REACHED;
            case STORE_UNAVAILABLE -> DenialReason.STORE_UNAVAILABLE;
            case DUPLICATE_CALL -> DenialReason.DUPLICATE_CALL;
            default -> DenialReason.INSUFFICIENT_CREDIT;
        };
    }

    /** A denial's message, fit to log or show an operator. */
    String explain(DenialReason reason, String callId, String accountId, Rate rate) {
        return switch (reason) {
            case SPEND_CAP_REACHED -> {
                java.time.ZoneId zone = accounts.zone(accountId).orElse(java.time.ZoneOffset.UTC);
                java.time.LocalDate resume = java.time.YearMonth.now(clock.withZone(zone)).plusMonths(1).atDay(1);
                yield "Monthly international spending cap reached: calls abroad resume " + resume + " 00:00 "
                        + zone.getId();
            }
            case STORE_UNAVAILABLE -> "charging store unavailable; refusing to charge without a durable record";
            case DUPLICATE_CALL -> "call id '" + callId + "' was already authorised (a live or settled call); "
                    + "each call must have its own id";
            default -> "account '" + accountId + "' has " + accounts.available(accountId) + " available; the call to "
                    + rate.destinationName() + " needs its connect fee and first " + rate.initialIncrementSeconds()
                    + " s (" + rate.firstReservation() + " before tax)";
        };
    }

    /** Hands back abandoned reservations, forfeits expired credit, expires plans: {@link AccountHousekeeping#expire}. */
    public int expireReservations() {
        return accounts.housekeeping().expire(clock.instant());
    }

    /** Sets how far back {@link #usageHistory} goes; the store keeps calls at least as long. */
    public void historyPeriod(Duration period) {
        this.historyPeriod = Objects.requireNonNull(period, "period");
        accounts.housekeeping().keepUsage(period);
    }

    /** How far back {@link #usageHistory} goes (ACC-1). */
    public Duration historyPeriod() {
        return historyPeriod;
    }

    /** Calls of the account that ended within the history period before now (ACC-1). */
    public List<ChargedCall> usageHistory(String accountId) {
        Instant now = clock.instant();
        return accounts.usage(accountId, now.minus(historyPeriod), now.plusNanos(1));
    }

    /**
     * A human-readable breakdown of why call {@code callId} cost what it cost: deck and rate, increments, plan and
     * package minutes, tax, lots debited, adjustments.
     */
    public Optional<String> explain(String accountId, String callId) {
        Optional<ChargedCall> call = accounts.call(accountId, callId);
        if (call.isEmpty()) {
            return Optional.empty();
        }
        List<Adjustment> adjustments = accounts.adjustments(accountId, callId);
        return Optional.of(CallExplanation.explain(call.get(), adjustments));
    }

    private static Authorisation deny(String callId, DenialReason reason, String message) {
        log.info("call {}: denied {}: {}", callId, reason, message);
        return new Authorisation.Denied(reason, message);
    }
}
