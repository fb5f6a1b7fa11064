package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.header.Via;
import java.net.InetSocketAddress;

/**
 * Where a response goes when no connection is at hand, RFC 3261 §18.2.2 with RFC 3581 §4: the top
 * Via's {@code received} address (or its sent-by host) and its {@code rport} (or sent-by port, or
 * the transport's default port). {@code maddr} is not supported.
 */
public final class ViaResponseAddress {

    private ViaResponseAddress() {
    }

    public static InetSocketAddress resolve(Via via) {
        String received = via.getReceived();
        String host = received != null && !received.isEmpty() ? received : stripBrackets(via.getHost());
        int port = via.getRPort();
        if (port <= 0) {
            port = via.getPort();
        }
        if (port <= 0) {
            port = "TLS".equalsIgnoreCase(via.getTransport()) ? 5061 : 5060;
        }
        return new InetSocketAddress(host, port);
    }

    private static String stripBrackets(String host) {
        return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
