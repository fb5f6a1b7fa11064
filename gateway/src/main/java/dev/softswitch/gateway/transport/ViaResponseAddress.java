package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.header.Via;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where a response goes when no connection is at hand, RFC 3261 §18.2.2 with RFC 3581 §4: the top
 * Via's {@code received} address (or its sent-by host) and its {@code rport} (or sent-by port, or
 * the transport's default port). {@code maddr} is not supported, and a host that is not an IP literal is
 * refused rather than looked up: nothing on an input path resolves a name.
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
        byte[] literal = host == null ? null : NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            // RFC 3263 would look the name up; the gateway resolves no names on its input path (issue 11), and
            // every request it took has received= written, so only a message it could not take lands here
            throw new IllegalArgumentException("Via host " + host + " is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("Via host " + host + " is not an IP address", e);
        }
    }

    private static String stripBrackets(String host) {
        return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
