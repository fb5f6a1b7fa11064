package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.transport.Endpoint;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may send what, by source address (issue 10): carriers are trusted by address only, so an
 * INVITE from a trunk's address is refused unless the trunk takes inbound calls; a request inside a
 * dialog is admitted only from that dialog's {@link DialogPeer}. A stranger in a dialog is answered
 * exactly as if the dialog did not exist (481, RFC 3261 §12.2.2), so it learns nothing, and the call
 * goes on. Refusals are counted in {@code sip.requests.refused{reason}}. SIP core thread.
 */
final class SourceAcl {

    /** An INVITE from the address of a trunk that does not take inbound calls. */
    static final String TRUNK_INVITE = "trunk_invite";
    /** A request (BYE, re-INVITE, ACK, CANCEL …) in a dialog, from a source other than its peer. */
    static final String NOT_DIALOG_PEER = "not_dialog_peer";

    private static final Logger log = LoggerFactory.getLogger(SourceAcl.class);

    private final RoutingService routing;
    private final GatewayMetrics metrics;

    SourceAcl(RoutingService routing, GatewayMetrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    /** Whether an INVITE from {@code source} may become a call; a refusal is counted. */
    boolean admitsNewCall(Endpoint source) {
        Optional<Trunk> trunk = routing.trunkAt(source.address());
        if (trunk.isEmpty() || trunk.get().inbound()) {
            return true;
        }
        metrics.requestRefused(TRUNK_INVITE);
        log.debug("INVITE from {}, an address of trunk {} (not inbound), refused", source, trunk.get().name());
        return false;
    }

    /** Whether {@code method} from {@code source} may act in a dialog whose peer is {@code peer}; a refusal is counted. */
    boolean admitsInDialog(DialogPeer peer, Endpoint source, String method) {
        if (peer.admits(source)) {
            return true;
        }
        metrics.requestRefused(NOT_DIALOG_PEER);
        log.debug("{} from {} is not from the dialog's peer {}, refused", method, source, peer);
        return false;
    }
}
