package dev.softswitch.gateway.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A carrier trunk (RTE-4): where it is, the E.164 digit prefixes it serves ({@code ""} means every
 * number), its preference ({@code priority}, lower first; {@code weight} among equals), its buy-rate
 * deck (a CSV file, relative to the configuration file), its limits ({@code maxChannels} and
 * {@code callsPerSecond}, 0 = none), how it wants numbers written ({@code numberFormat} {@code e164}
 * = {@code +8190…} or {@code digits} = {@code 8190…}, then {@code techPrefix} before the dialled
 * number), where the caller's verified number goes ({@code callerIdMode}: from, pai or both, with
 * {@code fromUser} for From when only PAI carries it), the extra final codes that fail over to the
 * next trunk (408 and 5xx always do), whether it is probed with OPTIONS, and whether it may send
 * the gateway calls ({@code inbound}, default false: an INVITE from a trunk's address is refused, issue 10).
 * Over {@code tls} the carrier's certificate must chain to the PEM {@code ca} file when one is given,
 * else to the JDK's trusted CAs. {@code currency} is the ISO 4217 code the buy deck is priced in (buy costs in
 * call records are in it); when a trunk with {@code rates} leaves it out, the charging currency is taken and a
 * warning says so.
 */
public record TrunkConfig(String name, String host, int port, String transport, List<String> prefixes,
                          int priority, int weight, String rates, int maxChannels, int callsPerSecond,
                          String numberFormat, String techPrefix, String callerIdMode, String fromUser,
                          List<Integer> failoverCodes, boolean probe, boolean inbound, String ca, String currency) {

    public static final String FORMAT_E164 = "e164";
    public static final String FORMAT_DIGITS = "digits";
    private static final Pattern TECH_PREFIX = Pattern.compile("[0-9A-Za-z#*._~-]{0,16}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._~+-]+");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public TrunkConfig {
        Checks.notBlank("name", name);
        Checks.notBlank("host", host);
        Checks.port("port", port);
        transport = Checks.transport("transport", transport);
        prefixes = List.copyOf(Checks.nonEmpty("prefixes", prefixes, "[\"\"] for every number"));
        prefixes.forEach(p -> Checks.digitPrefix("prefixes", p, true));
        Checks.unique("prefixes", prefixes, p -> p, "prefix");
        Checks.between("priority", priority, 0, 65535);
        Checks.between("weight", weight, 1, 65535);
        if (rates != null) {
            Checks.notBlank("rates", rates);
        }
        Checks.between("maxChannels", maxChannels, 0, 1_000_000);
        Checks.between("callsPerSecond", callsPerSecond, 0, 100_000);
        numberFormat = Checks.notBlank("numberFormat", numberFormat).trim().toLowerCase(Locale.ROOT);
        if (!numberFormat.equals(FORMAT_E164) && !numberFormat.equals(FORMAT_DIGITS)) {
            throw new InvalidValueException("numberFormat", "\"" + numberFormat
                    + "\" is not a number format (use e164 for +8190... or digits for 8190...)");
        }
        techPrefix = techPrefix == null ? "" : techPrefix;
        if (!TECH_PREFIX.matcher(techPrefix).matches()) {
            throw new InvalidValueException("techPrefix", "\"" + techPrefix
                    + "\" is not a tech prefix (use up to 16 letters, digits, # or *, e.g. \"0123#\")");
        }
        callerIdMode = Checks.notBlank("callerIdMode", callerIdMode).trim().toLowerCase(Locale.ROOT);
        if (!List.of("from", "pai", "both").contains(callerIdMode)) {
            throw new InvalidValueException("callerIdMode", "\"" + callerIdMode
                    + "\" is not a caller id mode (use from, pai or both)");
        }
        if (fromUser != null && !USER.matcher(fromUser).matches()) {
            throw new InvalidValueException("fromUser", "\"" + fromUser
                    + "\" is not a SIP user name (use letters, digits and . _ ~ + -)");
        }
        if (callerIdMode.equals("pai") && fromUser == null) {
            throw new InvalidValueException("callerIdMode", "pai puts the caller's number in P-Asserted-Identity"
                    + " only, so From needs a user (add fromUser: the account name the carrier gave you)");
        }
        failoverCodes = List.copyOf(failoverCodes == null ? List.of() : failoverCodes);
        for (int code : failoverCodes) {
            if (code < 300 || code > 699) {
                throw new InvalidValueException("failoverCodes", code
                        + " is not a final failure code (use 300..699, e.g. [404, 480]; 408 and 5xx always fail over)");
            }
        }
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw new InvalidValueException("currency", "\"" + currency
                    + "\" is not a currency (use the ISO 4217 code the buy deck is priced in, e.g. USD)");
        }
        if (currency != null && rates == null) {
            throw new InvalidValueException("currency", "prices the buy deck, and this trunk has no rates: "
                    + "(add rates: carrier-rates.csv, or remove currency)");
        }
        if (ca != null) {
            Checks.notBlank("ca", ca);
            if (!transport.equals("tls")) {
                throw new InvalidValueException("ca", "only a tls trunk verifies a certificate (remove ca, or use transport: tls)");
            }
        }
    }

    /** A trunk whose buy deck, if any, is priced in the charging currency. */
    public TrunkConfig(String name, String host, int port, String transport, List<String> prefixes,
                       int priority, int weight, String rates, int maxChannels, int callsPerSecond,
                       String numberFormat, String techPrefix, String callerIdMode, String fromUser,
                       List<Integer> failoverCodes, boolean probe, boolean inbound, String ca) {
        this(name, host, port, transport, prefixes, priority, weight, rates, maxChannels, callsPerSecond,
                numberFormat, techPrefix, callerIdMode, fromUser, failoverCodes, probe, inbound, ca, null);
    }

    /** A trunk whose TLS certificate, if any, chains to the JDK's trusted CAs. */
    public TrunkConfig(String name, String host, int port, String transport, List<String> prefixes,
                       int priority, int weight, String rates, int maxChannels, int callsPerSecond,
                       String numberFormat, String techPrefix, String callerIdMode, String fromUser,
                       List<Integer> failoverCodes, boolean probe, boolean inbound) {
        this(name, host, port, transport, prefixes, priority, weight, rates, maxChannels, callsPerSecond,
                numberFormat, techPrefix, callerIdMode, fromUser, failoverCodes, probe, inbound, null);
    }

    /** The trunk as the first configuration schema had it: every other setting at its default. */
    public TrunkConfig(String name, String host, int port, String transport, List<String> prefixes) {
        this(name, host, port, transport, prefixes, 0, 1, null, 0, 0, FORMAT_E164, "", "both", null, List.of(), true, false);
    }
}
