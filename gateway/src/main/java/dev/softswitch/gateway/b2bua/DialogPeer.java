package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.transport.Endpoint;
import java.util.Objects;

/**
 * Who may send requests inside one leg's dialog (issue 10): knowing Call-ID and tags is not enough.
 * The client leg's peer is where its INVITE came from (same transport, IP and port; over TCP or TLS
 * that names the connection); the carrier leg's peer is its trunk, trusted by address only.
 */
sealed interface DialogPeer {

    /** Whether a request from {@code source} may act in this dialog. */
    boolean admits(Endpoint source);

    static DialogPeer connection(Endpoint invitedFrom) {
        return new Connection(invitedFrom);
    }

    static DialogPeer trunk(Trunk trunk) {
        return new TrunkAddresses(trunk);
    }

    /** The app client: the very transport, IP and port its INVITE arrived from. */
    record Connection(Endpoint invitedFrom) implements DialogPeer {
        public Connection {
            Objects.requireNonNull(invitedFrom, "invitedFrom");
        }

        @Override
        public boolean admits(Endpoint source) {
            return invitedFrom.equals(source);
        }
    }

    /** A carrier: any of its trunk's addresses (see {@link Trunk#sendsFrom}). */
    record TrunkAddresses(Trunk trunk) implements DialogPeer {
        public TrunkAddresses {
            Objects.requireNonNull(trunk, "trunk");
        }

        @Override
        public boolean admits(Endpoint source) {
            return source != null && trunk.sendsFrom(source.address());
        }
    }
}
