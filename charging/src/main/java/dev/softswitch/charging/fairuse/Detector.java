package dev.softswitch.charging.fairuse;

/** What a fair-use detector watches (FUP-1); {@link #label()} names it in the journal, the API and metrics. */
public enum Detector {
    /** More than N answered calls shorter than S seconds within a window ("regular short calls"). */
    SHORT_CALLS("short_calls"),
    /** More than N call attempts within a window ("many calls in a short time"). */
    CALL_BURST("call_burst"),
    /** More than N calls at once. */
    CONCURRENT_CALLS("concurrent_calls"),
    /** More than N attempts to configured high-risk or premium-rate prefixes within a window. */
    RISKY_DESTINATIONS("risky_destinations"),
    /** This month's spend far above the account's own usual months and the product's population (seed 003). */
    SPEND_OUTLIER("spend_outlier");

    private final String label;

    Detector(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
