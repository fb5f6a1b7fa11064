package dev.softswitch.charging.fairuse;

import java.util.Arrays;

/** Median and median absolute deviation of amounts: statistics one outlier cannot move far (FUP-1). */
final class RobustStatistics {

    private RobustStatistics() {
    }

    /** The median of {@code values} (the lower middle one of an even count); 0 for none. Sorts a copy. */
    static long median(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    /** The median of the absolute deviations of {@code values} from {@code median}. */
    static long mad(long[] values, long median) {
        long[] deviations = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            deviations[i] = Math.abs(Math.subtractExact(values[i], median));
        }
        return median(deviations);
    }

    /**
     * The spend above which an account is an outlier in a population with {@code median} and {@code mad}: the
     * median plus {@code mads} robust deviations (1.4826 × MAD, the normal-consistent scale, at least a tenth of
     * the median so that a population of equal spends still has a width).
     */
    static long threshold(long median, long mad, long mads) {
        long scale = Math.max(Math.multiplyExact(mad, 14_826) / 10_000, median / 10);
        return Math.addExact(median, Math.multiplyExact(mads, Math.max(scale, 1)));
    }
}
