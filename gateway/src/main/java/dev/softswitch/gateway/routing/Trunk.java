package dev.softswitch.gateway.routing;

import dev.softswitch.gateway.config.TrunkConfig;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A carrier trunk (RTE-4): where calls go ({@code addresses}, the first being the one used and
 * probed), which E.164 digit prefixes it serves ({@code ""} serves all), its preference (lower
 * {@code priority} first, {@code weight} shares among equals), its buy-rate deck, its limits (0 = none),
 * how it wants numbers written and caller identity presented, and the extra final codes that fail
 * over to the next candidate (408 and 5xx always do, RTE-5). Its addresses are also the only sources
 * the gateway trusts to speak for it ({@link #sendsFrom}), and it may send calls only when {@code inbound}.
 */
public record Trunk(String name, List<Endpoint> addresses, List<String> prefixes, int priority, int weight,
                    RateDeck deck, int maxChannels, int callsPerSecond, NumberFormat numberFormat, String techPrefix,
                    CallerIdMode callerIdMode, String fromUser, Set<Integer> failoverCodes, boolean probe,
                    boolean inbound) {

    public Trunk {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("trunk " + name + " needs an address");
        }
        prefixes = List.copyOf(prefixes);
        for (String p : prefixes) {
            if (!p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("trunk " + name + ": prefix '" + p + "' must be digits only");
            }
        }
        if (priority < 0 || weight < 1 || maxChannels < 0 || callsPerSecond < 0) {
            throw new IllegalArgumentException("trunk " + name + ": negative limit, priority or weight below 1");
        }
        Objects.requireNonNull(deck, "deck");
        Objects.requireNonNull(numberFormat, "numberFormat");
        Objects.requireNonNull(techPrefix, "techPrefix");
        Objects.requireNonNull(callerIdMode, "callerIdMode");
        if (callerIdMode == CallerIdMode.PAI && fromUser == null) {
            throw new IllegalArgumentException("trunk " + name + ": callerIdMode PAI needs a fromUser");
        }
        failoverCodes = Set.copyOf(failoverCodes);
    }

    /** A trunk with one address and every other setting at its default (the walking skeleton's trunk). */
    public Trunk(String name, Endpoint endpoint, List<String> prefixes) {
        this(name, List.of(endpoint), prefixes, 0, 1, RateDeck.EMPTY, 0, 0, NumberFormat.E164, "",
                CallerIdMode.BOTH, null, Set.of(), true, false);
    }

    /** The trunk a configuration entry describes, with its deck already read. */
    public static Trunk from(TrunkConfig c, RateDeck deck) {
        return new Trunk(c.name(), List.of(Endpoint.of(c.host(), c.port(), TransportType.parse(c.transport()))),
                c.prefixes(), c.priority(), c.weight(), deck, c.maxChannels(), c.callsPerSecond(),
                NumberFormat.valueOf(c.numberFormat().toUpperCase(Locale.ROOT)), c.techPrefix(),
                CallerIdMode.valueOf(c.callerIdMode().toUpperCase(Locale.ROOT)), c.fromUser(),
                Set.copyOf(c.failoverCodes()), c.probe(), c.inbound());
    }

    /** The address calls and probes go to. */
    public Endpoint endpoint() {
        return addresses.get(0);
    }

    /**
     * Whether a packet from {@code source} comes from this trunk: the IP and port of one of its
     * addresses, as configured (a carrier answers and sends in-dialog requests from where the gateway
     * sends to it; over TCP on the connection the gateway opened). Transport aside, nothing else counts.
     */
    public boolean sendsFrom(InetSocketAddress source) {
        for (Endpoint a : addresses) {
            if (a.address().equals(source)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a final response {@code status} from this trunk moves the call to the next candidate. */
    public boolean failsOver(int status) {
        return status == 408 || (status >= 500 && status <= 599) || failoverCodes.contains(status);
    }

    /** The dialled number as this trunk wants it in the Request-URI and To: tech prefix, then the format. */
    public String formatDialled(String e164) {
        return techPrefix + numberFormat.format(e164);
    }
}
