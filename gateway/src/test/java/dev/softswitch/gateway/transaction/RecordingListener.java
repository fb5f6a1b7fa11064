package dev.softswitch.gateway.transaction;

import gov.nist.javax.sip.message.SIPResponse;
import java.util.ArrayList;
import java.util.List;

/** A {@link ClientTransactionListener} that records every event as text and every response. */
final class RecordingListener implements ClientTransactionListener {

    final List<String> events = new ArrayList<>();
    final List<SIPResponse> responses = new ArrayList<>();

    @Override
    public void onProvisional(ClientTransaction tx, SIPResponse r) {
        events.add("provisional " + r.getStatusCode());
        responses.add(r);
    }

    @Override
    public void onFinal(ClientTransaction tx, SIPResponse r) {
        events.add("final " + r.getStatusCode());
        responses.add(r);
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
        events.add("timeout");
    }

    @Override
    public void onTransportError(ClientTransaction tx, Exception e) {
        events.add("transport error " + e.getMessage());
    }
}
