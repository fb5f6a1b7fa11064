package dev.softswitch.gateway.config;

/**
 * The price of calls to numbers starting with {@code prefix}: a per-minute price and a connect fee as
 * exact decimal strings, billed in an initial then subsequent increments of whole seconds ({@code 60/60}).
 */
public record RateConfig(String prefix, String destination, String perMinute, String connectFee,
                         int initialIncrement, int subsequentIncrement) {

    public RateConfig {
        Checks.digitPrefix("prefix", prefix, false);
        Checks.notBlank("destination", destination);
        Checks.decimal("perMinute", perMinute);
        connectFee = Checks.decimal("connectFee", connectFee == null ? "0" : connectFee);
        if (initialIncrement < 1 || subsequentIncrement < 1) {
            throw new InvalidValueException("increments", initialIncrement + "/" + subsequentIncrement
                    + " has an increment below 1 second (use whole seconds above zero, e.g. 60/60)");
        }
    }
}
