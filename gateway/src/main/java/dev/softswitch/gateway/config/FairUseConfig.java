package dev.softswitch.gateway.config;

import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.fairuse.FairUsePolicy;
import dev.softswitch.charging.fairuse.Hold;
import dev.softswitch.charging.money.Money;

/**
 * A product's fair-use detectors as configured (FUP-1, FUP-2); a null detector is off. Only the spend-outlier
 * minimum waits for the product's currency, in {@link #policy}.
 */
public record FairUseConfig(FairUsePolicy.ShortCalls shortCalls, FairUsePolicy.CallBursts callBursts,
                            FairUsePolicy.ConcurrentCalls concurrentCalls,
                            FairUsePolicy.RiskyDestinations riskyDestinations, Outliers spendOutliers) {

    public static final FairUseConfig NONE = new FairUseConfig(null, null, null, null, null);

    /** The spend-outlier detector; {@code minimum} is an amount of the product's currency. */
    public record Outliers(String minimum, int ownMultiple, int mads, int minPopulation, FairUseAction action,
                           Hold hold) {
        public Outliers {
            Checks.decimal("minimum", minimum);
        }
    }

    /** The policy for a product selling in {@code currency}. */
    public FairUsePolicy policy(String currency) {
        FairUsePolicy.SpendOutliers outliers = spendOutliers == null ? null
                : new FairUsePolicy.SpendOutliers(Money.parse(spendOutliers.minimum(), currency),
                        spendOutliers.ownMultiple(), spendOutliers.mads(), spendOutliers.minPopulation(),
                        spendOutliers.action(), spendOutliers.hold());
        return new FairUsePolicy(shortCalls, callBursts, concurrentCalls, riskyDestinations, outliers);
    }
}
