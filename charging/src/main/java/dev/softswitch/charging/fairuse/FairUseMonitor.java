package dev.softswitch.charging.fairuse;

import dev.softswitch.charging.account.FairUseStanding;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.money.Money;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Runs the fair-use detectors (FUP-1) as calls are attempted and as they end, and takes their steps (FUP-2): every
 * action is journalled with its reason and figures before it takes effect, then handed to the {@link Listener}
 * (metrics; ending a suspended account's running calls). What the detectors count is bounded per account and is
 * rebuilt from the usage history after a restart (attempt counters start afresh); suspensions are journalled.
 */
public final class FairUseMonitor {

    private static final Logger log = LoggerFactory.getLogger(FairUseMonitor.class);
    /** How long a product's population statistics are reused before they are computed again. */
    static final Duration POPULATION_REFRESH = Duration.ofMinutes(1);
    /** How far back a rebuilt watch keeps the calls it loaded, so that one settling meanwhile is not counted twice. */
    private static final Duration LOADED_MEMORY = Duration.ofMinutes(5);

    /** Told of every action after it is journalled. */
    public interface Listener {
        void acted(String accountId, Detector detector, FairUseAction action, Instant until, String reason);
    }

    /** Whether an attempted call may go on. */
    public sealed interface Verdict permits Proceed, Refused {
    }

    /** The call may go on. */
    public record Proceed() implements Verdict {
    }

    /** The call is refused: {@code reason} says why and, for a suspension, until when. */
    public record Refused(Detector detector, FairUseAction action, Instant until, String reason) implements Verdict {
    }

    private static final Proceed PROCEED = new Proceed();

    private record Acted(Detector detector, Step step, Instant until, String reason) {
    }

    private record Population(Instant computedAt, YearMonth month, int size, long median, long mad) {
    }

    private final JournalledAccountStore store;
    private final Clock clock;
    private final ConcurrentMap<String, AccountWatch> watches = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Population> populations = new ConcurrentHashMap<>();
    private volatile Listener listener = (a, d, act, u, r) -> { };

    public FairUseMonitor(JournalledAccountStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void listener(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
    }

    /** How many accounts the detectors remember something of. */
    public int watchedAccounts() {
        return watches.size();
    }

    /**
     * A call of {@code accountId} to {@code destination} is being authorised: counts it for the burst, concurrency
     * and risky-destination detectors and takes their steps. Refused when a step refuses the call or suspends the
     * account.
     *
     * @param premiumRate the destination's rate is premium-rate (counted as risky when the detector says so)
     */
    public Verdict attempt(String accountId, FairUseScope scope, String destination, boolean premiumRate) {
        FairUsePolicy policy = scope.policy();
        if (!policy.watchesAttempts()) {
            return PROCEED;
        }
        Instant now = clock.instant();
        long ms = now.toEpochMilli();
        FairUseStanding standing = store.administration().fairUse(accountId);
        AccountWatch w = watch(accountId, scope, null);
        List<Acted> acted = new ArrayList<>(0);
        synchronized (w) {
            w.lifted(standing.liftedAt());
            FairUsePolicy.CallBursts bursts = policy.callBursts();
            if (bursts != null) {
                w.attempts = AccountWatch.sized(w.attempts, last(bursts.steps()));
                w.attempts.add(ms);
                long n = w.attempts.countSince(ms - bursts.window().toMillis());
                decide(w, Detector.CALL_BURST, bursts.steps(), n, scope, now, acted,
                        () -> n + " call attempts within " + human(bursts.window()));
            }
            FairUsePolicy.ConcurrentCalls concurrent = policy.concurrentCalls();
            if (concurrent != null) {
                long n = store.callReservations().open(accountId) + 1L;
                decide(w, Detector.CONCURRENT_CALLS, concurrent.steps(), n, scope, now, acted,
                        () -> n + " calls at once");
            }
            FairUsePolicy.RiskyDestinations risky = policy.riskyDestinations();
            if (risky != null && (premiumRate && risky.premiumRate()
                    || risky.prefixes().stream().anyMatch(destination::startsWith))) {
                w.risky = AccountWatch.sized(w.risky, last(risky.steps()));
                w.risky.add(ms);
                long n = w.risky.countSince(ms - risky.window().toMillis());
                decide(w, Detector.RISKY_DESTINATIONS, risky.steps(), n, scope, now, acted,
                        () -> n + " calls to high-risk or premium-rate destinations within " + human(risky.window()));
            }
        }
        Verdict verdict = PROCEED;
        for (Acted a : acted) {
            take(accountId, a);
            FairUseAction action = a.step().action();
            if (action == FairUseAction.REFUSE_CALL || action == FairUseAction.SUSPEND_ACCOUNT) {
                verdict = new Refused(a.detector(), action, a.until(), a.reason());
            }
        }
        return verdict;
    }

    /**
     * Call {@code call} of {@code accountId} was settled: counts it for the short-call detector and the month's
     * spend, and takes their steps.
     */
    public void callEnded(String accountId, FairUseScope scope, ChargedCall call) {
        FairUsePolicy policy = scope.policy();
        if (policy.shortCalls() == null && policy.spendOutliers() == null) {
            return;
        }
        Instant now = clock.instant();
        FairUseStanding standing = store.administration().fairUse(accountId);
        AccountWatch w = watch(accountId, scope, call.callId());
        List<Acted> acted = new ArrayList<>(0);
        YearMonth month = YearMonth.from(now.atZone(scope.zone()));
        long spend;
        synchronized (w) {
            w.lifted(standing.liftedAt());
            if (!w.loaded.remove(call.callId())) {
                w.addSpend(YearMonth.from(call.endedAt().atZone(scope.zone())), call.amountMicros());
                FairUsePolicy.ShortCalls shortCalls = policy.shortCalls();
                if (shortCalls != null && call.durationMillis() < shortCalls.shorterThan().toMillis()) {
                    w.shortCalls = AccountWatch.sized(w.shortCalls, last(shortCalls.steps()));
                    w.shortCalls.add(call.endedAt().toEpochMilli());
                    long n = w.shortCalls.countSince(now.toEpochMilli() - shortCalls.window().toMillis());
                    decide(w, Detector.SHORT_CALLS, shortCalls.steps(), n, scope, now, acted,
                            () -> n + " answered calls shorter than " + human(shortCalls.shorterThan()) + " within "
                                    + human(shortCalls.window()));
                }
            }
            spend = w.spendIn(month);
        }
        FairUsePolicy.SpendOutliers outliers = policy.spendOutliers();
        if (outliers != null && spend >= outliers.minimum().micros()) {
            String why = outlier(w, scope, month, spend, outliers);
            synchronized (w) {
                decide(w, Detector.SPEND_OUTLIER, outliers.steps(), why == null ? 0 : 1, scope, now, acted,
                        () -> why);
            }
        }
        for (Acted a : acted) {
            take(accountId, a);
        }
    }

    /** Why {@code spend} this month is an outlier, or null when it is not (see {@link FairUsePolicy.SpendOutliers}). */
    /**
     * Counts what another node sharing the store did on the account (SCL-1) as if this node had seen it: a call it
     * settled (short calls, spend), a call it let through (bursts), a step it took (not taken again here). Nothing
     * is decided: the node that saw it decided. Without a watch yet nothing is needed: one is built from the shared
     * history when the account next calls. Calls to risky destinations are counted per node.
     */
    public void elsewhere(String accountId, FairUseScope scope, JournalEvent event, boolean opensReservation) {
        AccountWatch w = watches.get(accountId);
        if (w == null || !w.product.equals(scope.product())) {
            return;
        }
        FairUsePolicy policy = scope.policy();
        synchronized (w) {
            if (event instanceof JournalEvent.Settled settled && settled.closes() && settled.call() != null) {
                ChargedCall call = settled.call();
                if (w.loaded.remove(call.callId())) {
                    return;
                }
                w.addSpend(YearMonth.from(call.endedAt().atZone(scope.zone())), call.amountMicros());
                FairUsePolicy.ShortCalls shortCalls = policy.shortCalls();
                if (shortCalls != null && call.durationMillis() < shortCalls.shorterThan().toMillis()) {
                    w.shortCalls = AccountWatch.sized(w.shortCalls, last(shortCalls.steps()));
                    w.shortCalls.add(call.endedAt().toEpochMilli());
                }
            } else if (event instanceof JournalEvent.Reserved r && opensReservation && policy.callBursts() != null) {
                w.attempts = AccountWatch.sized(w.attempts, last(policy.callBursts().steps()));
                w.attempts.add(r.at().toEpochMilli());
            } else if (event instanceof JournalEvent.FairUseActed acted) {
                for (Detector d : Detector.values()) {
                    List<Step> steps = policy.steps(d);
                    if (d.label().equals(acted.detector()) && steps != null) {
                        for (int i = steps.size() - 1; i >= 0; i--) {
                            if (steps.get(i).action().label().equals(acted.action())) {
                                w.lastStep[d.ordinal()] = Math.max(w.lastStep[d.ordinal()], i);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    private String outlier(AccountWatch w, FairUseScope scope, YearMonth month, long spend,
                           FairUsePolicy.SpendOutliers rule) {
        long[] earlier;
        synchronized (w) {
            earlier = w.earlierMonths(month);
        }
        StringBuilder why = new StringBuilder("this month's spend " + money(spend, scope) + " is above");
        boolean judged = false;
        if (earlier.length > 0) {
            long usual = RobustStatistics.median(earlier);
            if (spend <= Math.multiplyExact(usual, rule.ownMultiple())) {
                return null;
            }
            why.append(' ').append(rule.ownMultiple()).append(" times the account's usual ").append(money(usual, scope))
                    .append(" (median of ").append(earlier.length).append(" earlier month(s))");
            judged = true;
        }
        Population p = population(scope, month);
        if (p.size() >= rule.minPopulation()) {
            long threshold = RobustStatistics.threshold(p.median(), p.mad(), rule.mads());
            if (spend <= threshold) {
                return null;
            }
            why.append(judged ? " and" : "").append(" the product's median ").append(money(p.median(), scope))
                    .append(" + ").append(rule.mads()).append(" robust deviations (MAD ").append(money(p.mad(), scope))
                    .append(", ").append(p.size()).append(" accounts): ").append(money(threshold, scope));
            judged = true;
        }
        return judged ? why.toString() : null;
    }

    /** This month's spend statistics over the product's accounts with spend, recomputed at most once a minute. */
    private Population population(FairUseScope scope, YearMonth month) {
        Instant now = clock.instant();
        Population cached = populations.get(scope.product());
        if (cached != null && cached.month().equals(month)
                && now.isBefore(cached.computedAt().plus(POPULATION_REFRESH))) {
            return cached;
        }
        List<Long> spends = new ArrayList<>();
        for (String id : store.accountIds()) {
            if (!store.productOf(id).orElse("").equals(scope.product())) {
                continue;
            }
            AccountWatch w = watch(id, scope, null);
            synchronized (w) {
                long s = w.spendIn(month);
                if (s > 0) {
                    spends.add(s);
                }
            }
        }
        long[] values = spends.stream().mapToLong(Long::longValue).toArray();
        long median = RobustStatistics.median(values);
        Population p = new Population(now, month, values.length, median, RobustStatistics.mad(values, median));
        populations.put(scope.product(), p);
        return p;
    }

    /**
     * Finds the highest step {@code figure} is above and records it in {@code acted} when it is to be taken: a
     * refusal every time, any other step only when it is higher than the step this detector last acted at (so a
     * warning is not repeated for every call above it). A figure below every step re-arms the detector.
     */
    private static void decide(AccountWatch w, Detector d, List<Step> steps, long figure, FairUseScope scope,
                               Instant now, List<Acted> acted, Supplier<String> what) {
        int index = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (figure > steps.get(i).above()) {
                index = i;
            }
        }
        if (index < 0) {
            w.lastStep[d.ordinal()] = -1;
            return;
        }
        Step step = steps.get(index);
        if (step.action() != FairUseAction.REFUSE_CALL && index <= w.lastStep[d.ordinal()]) {
            return;
        }
        w.lastStep[d.ordinal()] = Math.max(index, w.lastStep[d.ordinal()]);
        Instant until = step.hold() == null ? null : step.hold().until(now, scope.zone());
        String reason = d == Detector.SPEND_OUTLIER ? what.get()
                : what.get() + " (more than " + step.above() + ")";
        acted.add(new Acted(d, step, until, reason));
    }

    /** Journals {@code a}, then tells the listener. */
    private void take(String accountId, Acted a) {
        store.administration().recordFairUse(accountId, a.detector().label(), a.step().action().label(), a.until(),
                a.reason());
        log.warn("fair use: account {} {} by {} until {}: {}", accountId, a.step().action().label(),
                a.detector().label(), a.until(), a.reason());
        try {
            listener.acted(accountId, a.detector(), a.step().action(), a.until(), a.reason());
        } catch (RuntimeException e) {
            log.error("fair use: the listener failed on account {}", accountId, e);
        }
    }

    /** The account's watch, built from its usage history the first time (except call {@code settling}). */
    private AccountWatch watch(String accountId, FairUseScope scope, String settling) {
        AccountWatch w = watches.get(accountId);
        if (w != null && w.product.equals(scope.product())) {
            return w;
        }
        return watches.compute(accountId, (id, old) -> old != null && old.product.equals(scope.product()) ? old
                : rebuilt(id, scope, settling));
    }

    private AccountWatch rebuilt(String accountId, FairUseScope scope, String settling) {
        AccountWatch w = new AccountWatch(scope.product());
        Instant now = clock.instant();
        ZoneId zone = scope.zone();
        Instant from = YearMonth.from(now.atZone(zone)).minusMonths(AccountWatch.MONTHS - 1).atDay(1)
                .atStartOfDay(zone).toInstant();
        FairUsePolicy.ShortCalls shortCalls = scope.policy().shortCalls();
        Instant recent = now.minus(LOADED_MEMORY);
        for (ChargedCall c : store.usage(accountId, from, now.plusSeconds(1))) {
            if (c.callId().equals(settling)) {
                continue;
            }
            w.addSpend(YearMonth.from(c.endedAt().atZone(zone)), c.amountMicros());
            if (shortCalls != null && c.durationMillis() < shortCalls.shorterThan().toMillis()
                    && c.endedAt().isAfter(now.minus(shortCalls.window()))) {
                w.shortCalls = AccountWatch.sized(w.shortCalls, last(shortCalls.steps()));
                w.shortCalls.add(c.endedAt().toEpochMilli());
            }
            if (c.endedAt().isAfter(recent)) {
                w.loaded.add(c.callId());
            }
        }
        FairUseStanding standing = store.administration().fairUse(accountId);
        w.liftSeen = standing.liftedAt();
        FairUsePolicy p = scope.policy();
        if (p.shortCalls() != null) {
            recall(w, standing, Detector.SHORT_CALLS, p.shortCalls().steps(), p.shortCalls().window(), now);
        }
        if (p.callBursts() != null) {
            recall(w, standing, Detector.CALL_BURST, p.callBursts().steps(), p.callBursts().window(), now);
        }
        if (p.riskyDestinations() != null) {
            recall(w, standing, Detector.RISKY_DESTINATIONS, p.riskyDestinations().steps(),
                    p.riskyDestinations().window(), now);
        }
        return w;
    }

    /**
     * The step {@code d} last acted at, from the journalled actions still inside its window (and after the last
     * lift), so that a restart does not repeat a warning.
     */
    private static void recall(AccountWatch w, FairUseStanding standing, Detector d, List<Step> steps,
                               Duration window, Instant now) {
        for (FairUseStanding.Action a : standing.actions()) {
            if (!a.detector().equals(d.label()) || a.at().isBefore(now.minus(window))
                    || (standing.liftedAt() != null && !a.at().isAfter(standing.liftedAt()))) {
                continue;
            }
            for (int i = steps.size() - 1; i >= 0; i--) {
                if (steps.get(i).action().label().equals(a.action())) {
                    w.lastStep[d.ordinal()] = Math.max(w.lastStep[d.ordinal()], i);
                    break;
                }
            }
        }
    }

    private static long last(List<Step> steps) {
        return steps.get(steps.size() - 1).above();
    }

    private static String money(long micros, FairUseScope scope) {
        return Money.ofMicros(micros, scope.currency()).toPlainString() + " " + scope.currency();
    }

    /** {@code d} as people write it: {@code 6 s}, {@code 10 min}, {@code 1 h}, {@code 2 d}. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + " d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + " h";
        }
        if (s % 60 == 0) {
            return s / 60 + " min";
        }
        return d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
    }
}
