package dev.softswitch.charging.fairuse;

import dev.softswitch.charging.money.Money;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A product's fair-use detectors (FUP-1) and their steps (FUP-2); a null detector is off. Counting detectors keep
 * at most {@link #MAX_THRESHOLD} + 1 timestamps per account, so their state is bounded.
 */
public record FairUsePolicy(ShortCalls shortCalls, CallBursts callBursts, ConcurrentCalls concurrentCalls,
                            RiskyDestinations riskyDestinations, SpendOutliers spendOutliers) {

    /** The largest step threshold a counting detector accepts. */
    public static final long MAX_THRESHOLD = 10_000;
    /** No detector. */
    public static final FairUsePolicy NONE = new FairUsePolicy(null, null, null, null, null);

    /** More than a step's count of answered calls shorter than {@code shorterThan} within {@code window}. */
    public record ShortCalls(Duration shorterThan, Duration window, List<Step> steps) {
        public ShortCalls {
            positive(shorterThan, "shorterThan");
            positive(window, "window");
            steps = checkedSteps(steps);
        }
    }

    /** More than a step's count of call attempts within {@code window}. */
    public record CallBursts(Duration window, List<Step> steps) {
        public CallBursts {
            positive(window, "window");
            steps = checkedSteps(steps);
        }
    }

    /** More than a step's count of calls at once (ringing or talking). */
    public record ConcurrentCalls(List<Step> steps) {
        public ConcurrentCalls {
            steps = checkedSteps(steps);
        }
    }

    /**
     * More than a step's count of attempts within {@code window} to numbers starting with one of {@code prefixes}
     * (e.g. ranges known for revenue-share fraud) or, with {@code premiumRate}, priced at a premium-rate rate.
     */
    public record RiskyDestinations(List<String> prefixes, boolean premiumRate, Duration window, List<Step> steps) {
        public RiskyDestinations {
            prefixes = List.copyOf(prefixes);
            if (prefixes.isEmpty() && !premiumRate) {
                throw new IllegalArgumentException("prefixes: at least one prefix is needed (or premiumRate: true)");
            }
            for (String p : prefixes) {
                if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("prefixes: '" + p + "' is not a string of digits (E.164 "
                            + "without '+')");
                }
            }
            positive(window, "window");
            steps = checkedSteps(steps);
        }
    }

    /**
     * This month's spend is an outlier (seed 003) when it is at least {@code minimum}, more than
     * {@code ownMultiple} times the median of the account's own earlier months (up to six, those with spend), and
     * more than the product population's median plus {@code mads} robust deviations (1.4826 × the median absolute
     * deviation, at least a tenth of the median) over the accounts with spend this month, counted only when there
     * are at least {@code minPopulation} of them. A criterion without data (no earlier month, too small a
     * population) is skipped; with neither, nothing is flagged.
     */
    public record SpendOutliers(Money minimum, long ownMultiple, long mads, int minPopulation, FairUseAction action,
                                Hold hold) {
        public SpendOutliers {
            Objects.requireNonNull(minimum, "minimum");
            if (minimum.micros() <= 0) {
                throw new IllegalArgumentException("minimum: must be more than 0, got " + minimum);
            }
            if (ownMultiple < 1 || ownMultiple > 1_000) {
                throw new IllegalArgumentException("ownMultiple: must be 1 to 1000, got " + ownMultiple);
            }
            if (mads < 1 || mads > 1_000) {
                throw new IllegalArgumentException("mads: must be 1 to 1000, got " + mads);
            }
            if (minPopulation < 2) {
                throw new IllegalArgumentException("minPopulation: must be 2 or more, got " + minPopulation);
            }
            new Step(0, action, hold);
        }

        List<Step> steps() {
            return List.of(new Step(0, action, hold));
        }
    }

    /** No detector is on. */
    public boolean isEmpty() {
        return shortCalls == null && callBursts == null && concurrentCalls == null && riskyDestinations == null
                && spendOutliers == null;
    }

    /** The steps of detector {@code d}, or null if it is off. */
    List<Step> steps(Detector d) {
        return switch (d) {
            case SHORT_CALLS -> shortCalls == null ? null : shortCalls.steps();
            case CALL_BURST -> callBursts == null ? null : callBursts.steps();
            case CONCURRENT_CALLS -> concurrentCalls == null ? null : concurrentCalls.steps();
            case RISKY_DESTINATIONS -> riskyDestinations == null ? null : riskyDestinations.steps();
            case SPEND_OUTLIER -> spendOutliers == null ? null : spendOutliers.steps();
        };
    }

    /** Whether any detector runs when a call is attempted. */
    boolean watchesAttempts() {
        return callBursts != null || concurrentCalls != null || riskyDestinations != null;
    }

    /** Every (detector, action) pair a step of this policy can take, for metrics. */
    public List<Pair> actions() {
        List<Pair> out = new ArrayList<>();
        if (shortCalls != null) {
            shortCalls.steps().forEach(s -> out.add(new Pair(Detector.SHORT_CALLS, s.action())));
        }
        if (callBursts != null) {
            callBursts.steps().forEach(s -> out.add(new Pair(Detector.CALL_BURST, s.action())));
        }
        if (concurrentCalls != null) {
            concurrentCalls.steps().forEach(s -> out.add(new Pair(Detector.CONCURRENT_CALLS, s.action())));
        }
        if (riskyDestinations != null) {
            riskyDestinations.steps().forEach(s -> out.add(new Pair(Detector.RISKY_DESTINATIONS, s.action())));
        }
        if (spendOutliers != null) {
            out.add(new Pair(Detector.SPEND_OUTLIER, spendOutliers.action()));
        }
        return out;
    }

    /** A detector and an action it may take. */
    public record Pair(Detector detector, FairUseAction action) {
    }

    private static void positive(Duration d, String field) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + ": must be a positive duration, got " + d);
        }
    }

    private static List<Step> checkedSteps(List<Step> steps) {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException("steps: at least one step is needed");
        }
        List<Step> copy = List.copyOf(steps);
        for (int i = 0; i < copy.size(); i++) {
            Step s = copy.get(i);
            if (s.above() > MAX_THRESHOLD) {
                throw new IllegalArgumentException("steps[" + i + "].above: at most " + MAX_THRESHOLD + ", got "
                        + s.above());
            }
            if (i > 0 && s.above() <= copy.get(i - 1).above()) {
                throw new IllegalArgumentException("steps[" + i + "].above: steps must rise, but " + s.above()
                        + " follows " + copy.get(i - 1).above());
            }
        }
        return copy;
    }
}
