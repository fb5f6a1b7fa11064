package dev.softswitch.gateway.transaction;

import gov.nist.javax.sip.message.SIPMessage;

/** Client transaction matching (RFC 3261 §17.1.3): top Via branch and CSeq method. */
record ClientTransactionKey(String branch, String method) {

    static ClientTransactionKey of(SIPMessage message) {
        return new ClientTransactionKey(message.getTopmostVia().getBranch(), message.getCSeq().getMethod());
    }
}
