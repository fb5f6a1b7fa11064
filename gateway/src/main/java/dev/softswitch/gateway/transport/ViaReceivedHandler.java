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
 * Stamps the top Via of every request with where it really came from: {@code received} is always the
 * source IP (RFC 3261 §18.2.1 asks for it when sent-by differs; RFC 3581 §4 always), and an
 * {@code rport}, empty or not, gets the source port. A {@code received} or {@code rport} value the
 * client wrote is overwritten, never obeyed: responses go to the real source, not wherever the packet
 * says (reflection, issue 10). Failed requests are stamped too, so that their 400 finds its way back.
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

    /**
     * The address as RFC 3261 §25.1 writes it: an IPv6 one without the zone the kernel reports
     * ({@code ::1%0} has no place in a Via, RFC 5118 §4.5). Never a name lookup.
     */
    static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? text : text.substring(0, zone);
    }

    /** Applies the §18.2.1 / RFC 3581 rule to {@code via} for a request that came from {@code source}. */
    public static void stamp(Via via, InetSocketAddress source) {
        InetAddress sourceAddress = source.getAddress();
        try {
            if (sourceAddress == null) {
                throw new IllegalArgumentException("unresolved source");
            }
            via.setReceived(literal(sourceAddress));
            if (via.hasParameter(Via.RPORT)) {
                via.setParameter(Via.RPORT, Integer.toString(source.getPort()));
            }
        } catch (ParseException | RuntimeException e) {
            // Never leave the client's own received/rport in place: without them the answer goes to sent-by.
            via.removeParameter(Via.RECEIVED);
            via.removeParameter(Via.RPORT);
            LOG.debug("Could not stamp Via {} with {}: {}", via, source, e.toString());
        }
    }
}
