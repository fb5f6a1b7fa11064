package dev.softswitch.gateway.config;

import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.Hold;
import dev.softswitch.charging.fairuse.Step;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Reads a product's {@code fairUse:} section (FUP-1, FUP-2): each detector with its window and steps, e.g.
 * <pre>
 * fairUse:
 *   shortCalls: { shorterThan: 6s, window: 10m, steps: [ { above: 20, action: warn },
 *                                                        { above: 30, action: suspend-account, for: 1h } ] }
 *   callBursts: { window: 1m, steps: [ { above: 40, action: refuse-call } ] }
 *   concurrentCalls: { steps: [ { above: 3, action: refuse-call } ] }
 *   riskyDestinations: { prefixes: ["882", "883"], premiumRate: true, window: 1h,
 *                        steps: [ { above: 2, action: suspend-account, until: lifted } ] }
 *   spendOutliers: { minimum: "20000", ownMultiple: 3, mads: 10, minPopulation: 100, action: suspend-account,
 *                    until: end-of-month }
 * </pre>
 */
final class FairUseConfigReader {

    private static final String STEP = "{ above: 30, action: suspend-account, for: 1h }";
    private static final String ACTIONS = Arrays.stream(FairUseAction.values())
            .map(a -> a.label().replace('_', '-')).toList().toString();

    private FairUseConfigReader() {
    }

    static FairUseConfig fairUse(MappingReader r) {
        var shortCalls = r.mapping("shortCalls", "{ shorterThan: 6s, window: 10m, steps: [" + STEP + "] }", s -> {
            Duration shorterThan = s.parsed("shorterThan", "6s", GatewayConfigReader::parseDuration, "a duration");
            Duration window = s.parsed("window", "10m", GatewayConfigReader::parseDuration, "a duration");
            List<Step> steps = steps(s);
            return s.build(() -> checked(() -> new FairUsePolicy.ShortCalls(shorterThan, window, steps)));
        }, null);
        var bursts = r.mapping("callBursts", "{ window: 1m, steps: [" + STEP + "] }", s -> {
            Duration window = s.parsed("window", "1m", GatewayConfigReader::parseDuration, "a duration");
            List<Step> steps = steps(s);
            return s.build(() -> checked(() -> new FairUsePolicy.CallBursts(window, steps)));
        }, null);
        var concurrent = r.mapping("concurrentCalls", "{ steps: [{ above: 3, action: refuse-call }] }", s -> {
            List<Step> steps = steps(s);
            return s.build(() -> checked(() -> new FairUsePolicy.ConcurrentCalls(steps)));
        }, null);
        var risky = r.mapping("riskyDestinations", "{ prefixes: [\"882\"], window: 1h, steps: [" + STEP + "] }", s -> {
            List<String> prefixes = s.texts("prefixes", "[\"882\", \"883\"]", List.of());
            Boolean premiumRate = s.bool("premiumRate", false);
            Duration window = s.parsed("window", "1h", GatewayConfigReader::parseDuration, "a duration");
            List<Step> steps = steps(s);
            return s.build(() -> checked(() -> new FairUsePolicy.RiskyDestinations(prefixes, premiumRate, window,
                    steps)));
        }, null);
        var outliers = r.mapping("spendOutliers", "{ minimum: \"20000\", ownMultiple: 3, mads: 10, minPopulation: 100,"
                + " action: suspend-account, until: end-of-month }", s -> {
            String minimum = s.text("minimum", "\"20000\"");
            Integer ownMultiple = s.integer("ownMultiple", "3", 3);
            Integer mads = s.integer("mads", "10", 10);
            Integer minPopulation = s.integer("minPopulation", "100", 100);
            FairUseAction action = action(s);
            Hold hold = hold(s);
            return s.build(() -> new FairUseConfig.Outliers(minimum, ownMultiple, mads, minPopulation, action, hold));
        }, null);
        return r.build(() -> new FairUseConfig(shortCalls, bursts, concurrent, risky, outliers));
    }

    private static List<Step> steps(MappingReader r) {
        return r.mappings("steps", "- " + STEP, "above", "step threshold", s -> {
            Integer above = s.integer("above", "30");
            FairUseAction action = action(s);
            Hold hold = hold(s);
            return s.build(() -> checked(() -> new Step(above, action, hold)));
        });
    }

    private static FairUseAction action(MappingReader r) {
        return r.parsed("action", "suspend-account", t -> FairUseAction.named(t.trim()).orElse(null),
                "one of " + ACTIONS);
    }

    /** {@code for: 1h}, {@code until: end-of-month} or {@code until: lifted}; null when neither is given. */
    private static Hold hold(MappingReader r) {
        Duration forTime = r.present("for")
                ? r.parsed("for", "1h", GatewayConfigReader::parseDuration, "a duration") : null;
        Hold until = r.present("until") ? r.parsed("until", "end-of-month", t -> switch (t.trim()
                .toLowerCase(Locale.ROOT)) {
            case "end-of-month" -> Hold.END_OF_MONTH;
            case "lifted" -> Hold.UNTIL_LIFTED;
            default -> null;
        }, "end-of-month or lifted (or give 'for: 1h' instead)") : null;
        if (forTime != null && until != null) {
            r.parsed("until", "(remove it)", t -> null, "nothing here: 'for' already says how long");
            return null;
        }
        return until != null ? until : forTime == null ? null : Hold.of(forTime);
    }

    /** Turns a charging record's refusal ("field: problem") into one the loader locates. */
    private static <T> T checked(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidValueException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            if (colon > 0 && !message.substring(0, colon).contains(" ")) {
                throw new InvalidValueException(message.substring(0, colon), message.substring(colon + 2));
            }
            throw new InvalidValueException("action", message);
        }
    }
}
