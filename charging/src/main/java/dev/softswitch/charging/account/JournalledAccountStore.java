package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.event.JournalEvent.LotPurchased;
import dev.softswitch.charging.event.JournalEvent.PackageSubscribed;
import dev.softswitch.charging.event.JournalEvent.PlanPurchased;
import dev.softswitch.charging.journal.FileJournal;
import dev.softswitch.charging.journal.Journal;
import dev.softswitch.charging.journal.JournalSettings;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.journal.SharedJournal;
import dev.softswitch.charging.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The durable account store (SCL-1, CHG-7): accounts held in memory, every change journalled. Every change to an
 * account is decided, appended to the journal and applied under that account's lock, so concurrent calls of one
 * account can never together hold more than it has (CHG-6); the change is acknowledged (the method returns) only once
 * the journal says it is durable ({@link NoJournal}: at once, nothing kept). Credit is kept as lots spent earliest
 * expiry first (CHG-3); what pays a call is {@link FundingPolicy}'s, expiry is {@link #housekeeping()}'s and
 * adjustments and closure are {@link #operatorActions()}'. Invariant: {@code 0 <= reserved <= balance}.
 */
public final class JournalledAccountStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JournalledAccountStore.class);

    private final ConcurrentMap<String, AccountState> accounts = new ConcurrentHashMap<>();
    private final Journal journal;
    private final Clock clock;
    private final AccountHousekeeping housekeeping = new AccountHousekeeping(this);
    private final OperatorActions operatorActions = new OperatorActions(this);
    private final CallReservations callReservations = new CallReservations(this);
    private final ManualReservations manualReservations = new ManualReservations(this);
    private final AccountAdministration administration = new AccountAdministration(this);
    private volatile BackgroundSnapshots snapshots; // file journal only
    private final SharedAccounts shared; // null: this node's own journal

    /** An in-memory store without a journal, on the system clock. */
    public JournalledAccountStore() {
        this(new NoJournal(), Clock.systemUTC());
    }

    /** A store writing to {@code journal}; it must be empty or already replayed into nothing. */
    public JournalledAccountStore(Journal journal, Clock clock) {
        this(journal, clock, null);
    }

    private JournalledAccountStore(Journal journal, Clock clock, SharedJournal sharedJournal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.shared = sharedJournal == null ? null : new SharedAccounts(sharedJournal, accounts, clock);
    }

    /** Accounts kept in {@code journal}, shared with other gateway nodes (SCL-1); see {@link SharedAccounts}. */
    public static JournalledAccountStore shared(SharedJournal journal, Clock clock) {
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock, journal);
        store.shared.restoreAudit(store.administration.gatewayAudit());
        return store;
    }

    /** {@link #open(Path, Clock, Duration, JournalSettings)} with {@link JournalSettings#defaults()}. */
    public static JournalledAccountStore open(Path dir, Clock clock, Duration reservationTtl) throws IOException {
        return open(dir, clock, reservationTtl, JournalSettings.defaults());
    }

    /**
     * Opens a durable store in {@code dir}: loads the latest good snapshot, replays the journal after it, and
     * journals from then on, taking a snapshot in the background whenever {@code settings} says one is due. Reservations
     * found open get a fresh TTL of {@code reservationTtl} from now.
     *
     * @throws dev.softswitch.charging.journal.JournalCorruptException if the journal or snapshot is damaged in a way
     *                                                                 that is not a torn tail (the message says how
     *                                                                 to recover)
     */
    public static JournalledAccountStore open(Path dir, Clock clock, Duration reservationTtl,
                                              JournalSettings settings) throws IOException {
        AccountReplayer replayer = new AccountReplayer();
        FileJournal journal = FileJournal.recover(dir, settings, replayer);
        JournalledAccountStore store = new JournalledAccountStore(journal, clock);
        store.administration.gatewayAudit().adopt(replayer.gatewayAudit());
        Instant deadline = clock.instant().plus(reservationTtl);
        for (AccountState s : replayer.recovered().values()) {
            for (Reservation res : s.reservations.values()) {
                res.deadline = res.id == ManualReservations.RESERVATION_ID ? Instant.MAX : deadline;
            }
            store.accounts.put(s.id, s);
            store.callReservations.claimCallsOf(s);
        }
        store.snapshots = new BackgroundSnapshots(store, journal);
        journal.onSnapshotDue(store.snapshots::request);
        log.info("account store recovered {} account(s) from {}", store.accounts.size(), dir);
        return store;
    }

    /**
     * Settles the calls that were live when the process died (call it once at start-up, before any call is
     * authorised): charges the increments that began, hands back the rest, journaled; see {@link InterruptedCalls}.
     *
     * @return the calls charged, as recorded, for the caller's call records (disconnect reason: a restart)
     */
    public List<ChargedCall> settleInterruptedCalls() {
        if (shared != null) { // what this node's previous run held
            return new NodeSettlement(this, shared).settle(shared.journal().node());
        }
        return InterruptedCalls.settle(this, clock.instant());
    }

    /**
     * Writes a snapshot now so that recovery need not replay the whole journal (file journal only); snapshots are
     * otherwise taken in the background as segments fill up.
     */
    public void snapshot() throws IOException {
        if (journal instanceof FileJournal file) {
            BackgroundSnapshots.write(this, file);
        }
    }

    /** Waits until a background snapshot requested so far has finished (tests, orderly maintenance). */
    public void awaitBackgroundSnapshot() {
        BackgroundSnapshots s = snapshots;
        if (s != null) {
            s.await();
        }
    }

    public Clock clock() {
        return clock;
    }

    public Journal journal() {
        return journal;
    }

    /** What calls hold: their increments reserved, settled and handed back. */
    public CallReservations callReservations() {
        return callReservations;
    }

    /** The original reserve / commit / release API. */
    public ManualReservations manualReservations() {
        return manualReservations;
    }

    /** Expiry of credit, plans and abandoned reservations; plan auto-renewal. */
    public AccountHousekeeping housekeeping() {
        return housekeeping;
    }

    /** Subscriber profiles, suspension, deletion and the audit trail of the admin API (OPS-2). */
    public AccountAdministration administration() {
        return administration;
    }

    /** Adjustments and service closure. */
    public OperatorActions operatorActions() {
        return operatorActions;
    }

    /** Lets a running snapshot finish (a queued one is dropped), then closes the journal. */
    @Override
    public void close() {
        BackgroundSnapshots s = snapshots;
        if (s != null) {
            s.close();
        }
        journal.close();
    }

    // ---- accounts and purchases -----------------------------------------------------------

    /**
     * Opens an account whose currency is that of {@code openingBalance}; a positive opening balance becomes a
     * lot that never expires.
     *
     * @throws IllegalArgumentException if the account exists or the opening balance is negative
     */
    public void create(String accountId, Money openingBalance) {
        Objects.requireNonNull(openingBalance, "openingBalance");
        if (openingBalance.isNegative()) {
            throw new IllegalArgumentException("opening balance of '" + accountId + "' is negative: " + openingBalance);
        }
        open(accountId, AccountOptions.of(openingBalance.currency()));
        if (openingBalance.isPositive()) {
            purchaseCredit(accountId, openingBalance, clock.instant(), "opening", Instant.MAX);
        }
    }

    /** Opens an account with {@code options} ({@link IllegalArgumentException} if the account exists). */
    public void open(String accountId, AccountOptions options) {
        Objects.requireNonNull(options, "options");
        new Account(accountId, options.currency()); // validates the id
        AccountOpened event = new AccountOpened(accountId, clock.instant(), options.currency(), options.zone().getId(),
                options.homePrefix(), options.internationalCap() == null ? -1 : options.internationalCap().micros(),
                options.coinCredit() == null ? 0 : options.coinCredit().micros(), options.product());
        AccountState fresh = new AccountState(event);
        if (shared != null) {
            if (!shared.open(fresh, event)) {
                throw new IllegalArgumentException("account '" + accountId + "' already exists");
            }
            return;
        }
        long seq;
        synchronized (fresh) {
            if (accounts.putIfAbsent(accountId, fresh) != null) {
                throw new IllegalArgumentException("account '" + accountId + "' already exists");
            }
            try {
                seq = journal.append(event);
            } catch (JournalUnavailableException e) {
                accounts.remove(accountId, fresh);
                throw e;
            }
            fresh.lastSeq = seq;
        }
        journal.awaitDurable(seq);
        log.debug("account {} opened: {}", accountId, options);
    }

    public Optional<Account> account(String accountId) {
        AccountState s = find(accountId);
        return s == null ? Optional.empty() : Optional.of(new Account(s.id, s.currency));
    }

    /** The name of the product {@code accountId} belongs to ({@code ""}: the default), or empty if unknown. */
    public Optional<String> productOf(String accountId) {
        AccountState s = find(accountId);
        return s == null ? Optional.empty() : Optional.of(s.product);
    }

    /** The account's time zone (its months for caps and packages), or empty if unknown. */
    public Optional<java.time.ZoneId> zone(String accountId) {
        AccountState s = find(accountId);
        return s == null ? Optional.empty() : Optional.of(s.zone);
    }

    /** Ids of every account, sorted. */
    public List<String> accountIds() {
        return (shared == null ? accounts.keySet() : shared.journal().accountIds()).stream().sorted().toList();
    }

    /**
     * Records a credit purchase as a new lot (CHG-3) and returns its id.
     *
     * @param expiresAt when the lot expires ({@link Instant#MAX}: never), e.g. 180 days after purchase
     */
    public long purchaseCredit(String accountId, Money amount, Instant purchasedAt, String channel, Instant expiresAt) {
        AccountState s = state(accountId);
        long micros = positive(s, amount, "credit purchase");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(purchasedAt, "purchasedAt");
        if (!expiresAt.isAfter(purchasedAt)) {
            throw new IllegalArgumentException("account '" + accountId + "': credit bought at " + purchasedAt
                    + " expires at " + expiresAt + "; it must expire after it is bought");
        }
        long seq;
        long lotId;
        synchronized (s) {
            lotId = s.nextLotId;
            seq = emit(s, new LotPurchased(accountId, purchasedAt, lotId, micros, expiresAt, channel));
        }
        journal.awaitDurable(seq);
        log.debug("account {}: lot {} of {} via {}, expires {}", accountId, lotId, amount, channel, expiresAt);
        return lotId;
    }

    /** Purchase valid for {@code validity} from purchase (e.g. 180 days for some channels). */
    public long purchaseCredit(String accountId, Money amount, Instant purchasedAt, String channel, Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("account '" + accountId + "': credit validity must be positive, got "
                    + validity);
        }
        return purchaseCredit(accountId, amount, purchasedAt, channel, purchasedAt.plus(validity));
    }

    /** Adds a top-up that never expires ({@link IllegalArgumentException} if the amount is not positive). */
    public void credit(String accountId, Money amount) {
        purchaseCredit(accountId, amount, clock.instant(), "credit", Instant.MAX);
    }

    /**
     * Buys a 30-day plan (CHG-4) at the product's current price, which stays fixed for the plan's life.
     *
     * @return the plan id
     */
    public long purchasePlan(String accountId, PlanProduct product, Instant at, boolean autoRenew) {
        AccountState s = state(accountId);
        s.money(0).requireSameCurrency(product.price());
        long seq;
        long planId;
        synchronized (s) {
            planId = s.nextPlanId;
            seq = emit(s, new PlanPurchased(accountId, at, planId, product.name(), product.prefixes(), product.minutes(),
                    product.price().micros(), s.endOf(at, product.validity()),
                    autoRenew && housekeeping.autoRenewal()));
        }
        journal.awaitDurable(seq);
        return planId;
    }

    /** Subscribes a monthly package (CHG-5), replacing any earlier one. */
    public void subscribePackage(String accountId, MonthlyPackage pkg, Instant at) {
        AccountState s = state(accountId);
        long seq;
        synchronized (s) {
            seq = emit(s, new PackageSubscribed(accountId, at, pkg.name(), pkg.freeMinutes(), pkg.prefixes()));
        }
        journal.awaitDurable(seq);
    }

    // ---- balances ------------------------------------------------------------------------

    /** The balance including money held by reservations, or empty for an unknown account. */
    public Optional<Money> balance(String accountId) {
        AccountState s = find(accountId);
        if (s == null) {
            return Optional.empty();
        }
        synchronized (s) {
            return Optional.of(s.money(s.balance));
        }
    }

    /**
     * Balance minus outstanding reservations: what a new reservation may take (expired lots not yet forfeited
     * included; they are forfeited at the next operation on the account).
     *
     * @throws UnknownAccountException if there is no such account
     */
    public Money available(String accountId) {
        AccountState s = state(accountId);
        synchronized (s) {
            return s.money(s.balance - s.reserved);
        }
    }

    /** Money held by outstanding reservations ({@link UnknownAccountException} if there is no such account). */
    public Money reserved(String accountId) {
        AccountState s = state(accountId);
        synchronized (s) {
            return s.money(s.reserved);
        }
    }

    /** The account's unspent lots, earliest expiry first. */
    public List<CreditLot> lots(String accountId) {
        return AccountViews.lots(state(accountId));
    }

    /** The account's plans, live and expired. */
    public List<PlanBalance> plans(String accountId) {
        return AccountViews.plans(state(accountId));
    }

    /** Package free minutes left in the cycle (calendar month in the account's zone) containing {@code at}. */
    public int packageMinutesLeft(String accountId, Instant at) {
        AccountState s = state(accountId);
        synchronized (s) {
            if (s.pkg == null) {
                return 0;
            }
            return s.pkg.free - s.pkg.usedIn(s.cycleOf(at)) - s.pkg.held;
        }
    }

    /** International charges counted against the cap in the month (account zone) containing {@code at}. */
    public Money internationalSpend(String accountId, Instant at) {
        AccountState s = state(accountId);
        synchronized (s) {
            return s.money(s.capSpentIn(s.cycleOf(at)));
        }
    }

    /** Credit forfeited because it expired, in total. */
    public Money forfeited(String accountId) {
        AccountState s = state(accountId);
        synchronized (s) {
            return s.money(s.forfeitedMicros);
        }
    }

    // ---- history (ACC-1, CHG-8) -----------------------------------------------------------

    /** Purchases made in [from, to). */
    public List<Purchase> purchases(String accountId, Instant from, Instant to) {
        return AccountViews.purchases(state(accountId), from, to);
    }

    /** Calls that ended in [from, to). */
    public List<ChargedCall> usage(String accountId, Instant from, Instant to) {
        return AccountViews.usage(state(accountId), from, to);
    }

    /** The settled call {@code callId}, if any. */
    public Optional<ChargedCall> call(String accountId, String callId) {
        return AccountViews.call(state(accountId), callId);
    }

    /** Adjustments made to {@code callId}'s charge. */
    public List<Adjustment> adjustments(String accountId, String callId) {
        return AccountViews.adjustments(state(accountId), callId);
    }

    // ---- internals ---------------------------------------------------------------------

    /** Coin-wallet credit value in micros (0: not a coin wallet). */
    public long coinCreditMicros(String accountId) {
        return state(accountId).coinCreditMicros;
    }

    /** Appends {@code event} to the journal and applies it; the caller holds {@code s}'s monitor. */
    long emit(AccountState s, JournalEvent event) {
        if (shared != null) {
            shared.emit(s, event);
            return 0;
        }
        long seq = journal.append(event);
        s.apply(event, seq);
        return seq;
    }

    long emitAll(AccountState s, List<JournalEvent> events) {
        long seq = 0;
        for (JournalEvent e : events) {
            seq = emit(s, e);
            log.info("account {}: {}", s.id, e);
        }
        return seq;
    }

    Collection<AccountState> states() {
        return accounts.values();
    }

    boolean shared() {
        return shared != null;
    }

    /** The shared journal's side of the store, or null. */
    SharedAccounts sharedAccounts() {
        return shared;
    }

    /** {@code s} up to date with the shared journal (the state to use from now on); {@code s} itself if not shared. */
    AccountState refresh(AccountState s) {
        return shared == null ? s : shared.refresh(s);
    }

    AccountState state(String accountId) {
        AccountState s = find(accountId);
        if (s == null) {
            throw new UnknownAccountException(accountId);
        }
        return s;
    }

    /** The account (brought up to date from a shared journal), or null. */
    AccountState find(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return shared == null ? accounts.get(accountId) : shared.find(accountId);
    }

    static long nonNegative(AccountState s, Money amount, String what) {
        Objects.requireNonNull(amount, what);
        s.money(0).requireSameCurrency(amount);
        if (amount.isNegative()) {
            throw new IllegalArgumentException("account '" + s.id + "': " + what + " must not be negative: " + amount);
        }
        return amount.micros();
    }

    private static long positive(AccountState s, Money amount, String what) {
        long micros = nonNegative(s, amount, what);
        if (micros == 0) {
            throw new IllegalArgumentException("account '" + s.id + "': " + what + " must be positive");
        }
        return micros;
    }
}
