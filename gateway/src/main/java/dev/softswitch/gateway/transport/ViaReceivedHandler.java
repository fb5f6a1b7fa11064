package dev.softswitch.gateway.transport;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stamps the top Via of every request with where it really came from: {@code received} when the
 * sent-by host differs from the source IP (RFC 3261 §18.2.1), and the source port in an empty
 * {@code rport}, plus {@code received} regardless (RFC 3581 §4). Failed requests are stamped too, so
 * that their 400 finds its way back.
 */
@ChannelHandler.Sharable
public final class ViaReceivedHandler extends ChannelInboundHandlerAdapter {

    public static final ViaReceivedHandler INSTANCE = new ViaReceivedHandler();

    private static final Logger LOG = LoggerFactory.getLogger(ViaReceivedHandler.class);

    private ViaReceivedHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecodedSipMessage decoded && decoded.message() instanceof SIPRequest request) {
            Via via = request.getTopmostVia();
            if (via != null) {
                stamp(via, decoded.source().address());
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Applies the §18.2.1 / RFC 3581 rule to {@code via} for a request that came from {@code source}. */
    public static void stamp(Via via, InetSocketAddress source) {
        InetAddress sourceAddress = source.getAddress();
        if (sourceAddress == null) {
            return;
        }
        String sourceIp = sourceAddress.getHostAddress();
        boolean rportRequested = via.hasParameter(Via.RPORT) && isEmpty(via.getParameter(Via.RPORT));
        try {
            if (rportRequested || !sameAddress(via.getHost(), sourceAddress)) {
                via.setReceived(sourceIp);
            }
            if (rportRequested) {
                via.setParameter(Via.RPORT, Integer.toString(source.getPort()));
            }
        } catch (ParseException | RuntimeException e) {
            LOG.debug("Could not stamp Via {} with {}: {}", via, source, e.toString());
        }
    }

    private static boolean sameAddress(String sentByHost, InetAddress source) {
        if (sentByHost == null) {
            return false;
        }
        String host = sentByHost.startsWith("[") && sentByHost.endsWith("]")
                ? sentByHost.substring(1, sentByHost.length() - 1)
                : sentByHost;
        if (host.equalsIgnoreCase(source.getHostAddress())) {
            return true;
        }
        if (!isIpLiteral(host)) {
            return false; // a domain name always differs from the packet's source address
        }
        try {
            return InetAddress.getByName(host).equals(source); // literal: no DNS lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
