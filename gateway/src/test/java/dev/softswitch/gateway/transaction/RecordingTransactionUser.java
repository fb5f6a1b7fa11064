package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.transport.Endpoint;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link TransactionUser} that records every call. */
final class RecordingTransactionUser implements TransactionUser {

    final List<ServerTransaction> requests = new ArrayList<>();
    final List<SIPRequest> acks = new ArrayList<>();
    final List<ServerTransaction[]> cancels = new ArrayList<>();
    final List<SIPResponse> strays = new ArrayList<>();
    final List<ServerTransaction> timeouts = new ArrayList<>();
    final List<ServerTransaction> invitesEnded = new ArrayList<>();
    Consumer<ServerTransaction> onRequest = tx -> { };

    @Override
    public void onRequest(ServerTransaction tx) {
        requests.add(tx);
        onRequest.accept(tx);
    }

    @Override
    public void onAck(SIPRequest ack, Endpoint source) {
        acks.add(ack);
    }

    @Override
    public void onCancel(ServerTransaction cancelTx, ServerTransaction inviteTx) {
        cancels.add(new ServerTransaction[] {cancelTx, inviteTx});
    }

    @Override
    public void onStrayResponse(SIPResponse response, Endpoint source) {
        strays.add(response);
    }

    @Override
    public void onServerTimeout(ServerTransaction tx) {
        timeouts.add(tx);
    }

    @Override
    public void onInviteEnded(ServerTransaction tx) {
        invitesEnded.add(tx);
    }
}
