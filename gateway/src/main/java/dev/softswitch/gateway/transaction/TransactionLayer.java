package dev.softswitch.gateway.transaction;

import dev.softswitch.gateway.log.RateLimitedLog;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transport.EncodedResponse;
import dev.softswitch.gateway.transport.OutgoingResponse;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.SipSender;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The RFC 3261 §17 transaction layer, with the Accepted states of RFC 6026: matches inbound
 * messages to client and server transactions, runs their timers on the injected
 * {@link TimerService} and hands the transaction user only what the machines do not absorb.
 *
 * <p>Threading: not thread-safe by design. Every method, every {@link ServerTransaction#respond}
 * and every timer task must run on the single SIP core thread (the thread the
 * {@link TimerService} runs its tasks on), so there is no locking inside.
 */
public final class TransactionLayer {

    static final Logger LOG = LoggerFactory.getLogger(TransactionLayer.class);
    private static final RateLimitedLog TU_FAILURES = RateLimitedLog.of(LOG);
    private static final String MDC_CALL_ID = "callId";

    private final SipSender sender;
    private final TimerService timers;
    private final TimerSettings settings;
    private final TransactionUser tu;
    private final Map<ServerTransactionKey, AbstractTransaction> servers = new HashMap<>();
    private final Map<ClientTransactionKey, AbstractTransaction> clients = new HashMap<>();
    private final Lingering lingering;

    public TransactionLayer(SipSender sender, TimerService timers, TimerSettings settings, TransactionUser tu) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tu = Objects.requireNonNull(tu, "tu");
        this.lingering = new Lingering(timers);
    }

    /** A fresh RFC 3261 branch for the top Via of a new client request: "z9hG4bK" and 96 random bits. */
    public static String newBranch() {
        return SipMessages.newBranch();
    }

    /**
     * An inbound request (RFC 3261 §17.2.3): a retransmission goes to its server transaction; an
     * ACK to its INVITE transaction or, matching none, to {@link TransactionUser#onAck}; a CANCEL
     * to {@link TransactionUser#onCancel} with its INVITE, or answered 481 here; anything else
     * starts a server transaction passed to {@link TransactionUser#onRequest}.
     */
    public void onRequest(SIPRequest request, Endpoint source) {
        if (!hasTransactionHeaders(request)) {
            LOG.debug("dropping request without Via, CSeq or Call-ID from {}", source);
            return;
        }
        try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CALL_ID, request.getCallId().getCallId())) {
            dispatchRequest(request, source);
        }
    }

    /**
     * An inbound response (RFC 3261 §17.1.3): to the client transaction with the same top Via
     * branch and CSeq method, or to {@link TransactionUser#onStrayResponse} when none matches.
     */
    public void onResponse(SIPResponse response, Endpoint source) {
        if (!hasTransactionHeaders(response)) {
            LOG.debug("dropping response without Via, CSeq or Call-ID from {}", source);
            return;
        }
        try (MDC.MDCCloseable c = MDC.putCloseable(MDC_CALL_ID, response.getCallId().getCallId())) {
            AbstractTransaction tx = clients.get(ClientTransactionKey.of(response));
            if (tx instanceof InviteClientTransaction ict) {
                ict.onResponse(response, source);
            } else if (tx instanceof NonInviteClientTransaction nict) {
                nict.onResponse(response);
            } else {
                LOG.debug("stray {} {} from {}", response.getStatusCode(), response.getCSeq().getMethod(), source);
                tu.onStrayResponse(response, source);
            }
        }
    }

    /**
     * Starts a client transaction for {@code request} (INVITE per §17.1.1, anything else but ACK
     * per §17.1.2) and sends it. The request must carry a top Via with a fresh branch from
     * {@link #newBranch()}; a transport failure is reported to the listener, not thrown.
     *
     * @throws IllegalArgumentException for an ACK, a missing or cookieless branch, or a branch in use
     */
    public ClientTransaction sendRequest(SIPRequest request, Endpoint destination, ClientTransactionListener listener) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        if (SIPRequest.ACK.equals(request.getMethod())) {
            throw new IllegalArgumentException("ACK has no client transaction; use sendAck");
        }
        if (!hasTransactionHeaders(request) || !SipMessages.isRfc3261Branch(request.getTopmostVia().getBranch())) {
            throw new IllegalArgumentException("request needs Via with a z9hG4bK branch, CSeq and Call-ID");
        }
        ClientTransactionKey key = ClientTransactionKey.of(request);
        AbstractTransaction tx = SIPRequest.INVITE.equals(request.getMethod())
                ? new InviteClientTransaction(this, key, request, destination, listener)
                : new NonInviteClientTransaction(this, key, request, destination, listener);
        startClient(tx);
        return (ClientTransaction) tx;
    }

    /**
     * {@link #sendRequest(SIPRequest, Endpoint, ClientTransactionListener)} for a request written as bytes already,
     * whose top Via has {@code branch} and whose CSeq method is {@code method}: sent and sent again from those bytes,
     * parsed back only when the transaction or its user needs the message (a CANCEL, the ACK of a failure,
     * {@link ClientTransaction#request()}).
     */
    public ClientTransaction sendRequest(byte[] written, String method, String branch, Endpoint destination,
            ClientTransactionListener listener) {
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(listener, "listener");
        if (SIPRequest.ACK.equals(method)) {
            throw new IllegalArgumentException("ACK has no client transaction; use sendAck");
        }
        if (!SipMessages.isRfc3261Branch(branch)) {
            throw new IllegalArgumentException("request needs a z9hG4bK branch: " + branch);
        }
        ClientTransactionKey key = new ClientTransactionKey(branch, method);
        AbstractTransaction tx = SIPRequest.INVITE.equals(method)
                ? new InviteClientTransaction(this, key, written, destination, listener)
                : new NonInviteClientTransaction(this, key, written, destination, listener);
        startClient(tx);
        return (ClientTransaction) tx;
    }

    /**
     * Sends the ACK for a 2xx straight to the transport, outside any transaction (RFC 3261
     * §13.2.2.4); the TU sends it again for each 2xx retransmission it receives.
     */
    public void sendAck(SIPRequest ack, Endpoint destination) {
        if (!SIPRequest.ACK.equals(ack.getMethod())) {
            throw new IllegalArgumentException("not an ACK: " + ack.getMethod());
        }
        Exception error = trySend(ack, destination);
        if (error != null) {
            LOG.warn("ACK to {} failed: {}", destination, error.toString());
        }
    }

    /** {@link #sendAck(SIPRequest, Endpoint)} for an ACK written as bytes already. */
    public void sendAck(byte[] ack, Endpoint destination) {
        Exception error = trySend(ack, destination);
        if (error != null) {
            LOG.warn("ACK to {} failed: {}", destination, error.toString());
        }
    }

    /**
     * Cancels the INVITE of {@code invite} (RFC 3261 §9.1) with a CANCEL in its own non-INVITE
     * client transaction: sent now if a provisional has arrived, otherwise held until one does
     * (and dropped without a report if a final response or a timeout comes first). Returns the
     * CANCEL's transaction (the same one on a second call), or null when the INVITE already has
     * its final response.
     */
    public ClientTransaction cancel(ClientTransaction invite, ClientTransactionListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (!(invite instanceof InviteClientTransaction ict) || ict.layer != this) {
            throw new IllegalArgumentException("not an INVITE client transaction of this layer: " + invite);
        }
        if (ict.cancelTransaction() != null) {
            return ict.cancelTransaction();
        }
        if (ict.state() != TransactionState.CALLING && ict.state() != TransactionState.PROCEEDING) {
            return null;
        }
        SIPRequest cancel = SipMessages.cancelFor(ict.request());
        NonInviteClientTransaction tx = new NonInviteClientTransaction(
                this, ClientTransactionKey.of(cancel), cancel, ict.destination(), listener);
        ict.requestCancel(tx);
        return tx;
    }

    /** Whether a client transaction of this layer, live now, has {@code branch} and {@code method} (loop detection). */
    public boolean isOwnBranch(String branch, String method) {
        return clients.containsKey(new ClientTransactionKey(branch, method));
    }

    /** Live transactions, client and server. */
    public int size() {
        return servers.size() + clients.size();
    }

    private void dispatchRequest(SIPRequest request, Endpoint source) {
        ServerTransactionKey key = ServerTransactionKey.of(request);
        AbstractTransaction existing = servers.get(key);
        String method = request.getMethod();
        if (SIPRequest.ACK.equals(method)) {
            if (existing instanceof InviteServerTransaction ist) {
                ist.onAck(request, source);
            } else {
                tu.onAck(request, source);
            }
            return;
        }
        if (existing instanceof InviteServerTransaction ist) {
            LOG.debug("INVITE retransmission from {}", source);
            ist.onRetransmission();
            return;
        }
        if (existing instanceof NonInviteServerTransaction nist) {
            LOG.debug("{} retransmission from {}", method, source);
            nist.onRetransmission();
            return;
        }
        if (SIPRequest.INVITE.equals(method)) {
            InviteServerTransaction tx = new InviteServerTransaction(this, key, request, source);
            servers.put(key, tx);
            deliver(tx);
            tx.tryingUnlessAnswered();
        } else if (SIPRequest.CANCEL.equals(method)) {
            NonInviteServerTransaction tx = new NonInviteServerTransaction(this, key, request, source);
            AbstractTransaction cancelled = servers.get(key.withMethod(SIPRequest.INVITE));
            if (!(cancelled instanceof InviteServerTransaction ist) || ist.source().equals(source)) {
                // A CANCEL from elsewhere than its INVITE is answered but not remembered, so that it
                // cannot absorb the client's own CANCEL as its retransmission (issue 10).
                servers.put(key, tx);
            }
            if (cancelled instanceof InviteServerTransaction invite) {
                tu.onCancel(tx, invite);
            } else {
                tx.respond(withToTag(request.createResponse(SIPResponse.CALL_OR_TRANSACTION_DOES_NOT_EXIST)));
            }
        } else {
            NonInviteServerTransaction tx = new NonInviteServerTransaction(this, key, request, source);
            servers.put(key, tx);
            deliver(tx);
        }
    }

    /** Hands a new server transaction to the TU; if the TU throws, answers 500 rather than leave it open. */
    private void deliver(ServerTransaction tx) {
        try {
            tu.onRequest(tx);
        } catch (RuntimeException e) {
            TU_FAILURES.error(e.getClass().getName(), "transaction user failed on {}", tx.method(), e);
            TransactionState s = tx.state();
            if (s == TransactionState.TRYING || s == TransactionState.PROCEEDING) {
                tx.respond(withToTag(tx.request().createResponse(SIPResponse.SERVER_INTERNAL_ERROR)));
            }
        }
    }

    private static SIPResponse withToTag(SIPResponse response) {
        To to = (To) response.getTo();
        if (to != null && to.getTag() == null) {
            try {
                to.setTag(SipMessages.newTag());
            } catch (ParseException e) {
                throw new IllegalStateException("generated tag rejected", e);
            }
        }
        return response;
    }

    private static boolean hasTransactionHeaders(SIPMessage message) {
        return message.getTopmostVia() != null && message.getCSeq() != null && message.getCallId() != null;
    }

    void startClient(AbstractTransaction tx) {
        ClientTransactionKey key = ((AbstractClientTransaction) tx).key();
        if (clients.putIfAbsent(key, tx) != null) {
            throw new IllegalArgumentException("a client transaction with branch " + key.branch() + " and method "
                    + key.method() + " already exists");
        }
        if (tx instanceof InviteClientTransaction ict) {
            ict.start();
        } else {
            ((NonInviteClientTransaction) tx).start();
        }
    }

    void removeClient(ClientTransactionKey key, AbstractTransaction tx) {
        clients.remove(key, tx);
    }

    void removeServer(ServerTransactionKey key, AbstractTransaction tx) {
        if (servers.remove(key, tx) && tx instanceof InviteServerTransaction invite) {
            tu.onInviteEnded(invite);
        }
    }

    /** Sends a request; returns the failure instead of throwing it, for the machine to report. */
    Exception trySend(SIPRequest request, Endpoint destination) {
        try {
            LOG.debug("sending {} to {}", request.getMethod(), destination);
            sender.send(request, destination);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Sends bytes written already; the failure, if any. */
    Exception trySend(byte[] written, Endpoint destination) {
        try {
            LOG.debug("sending bytes to {}", destination);
            sender.resend(written, destination);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Sends a request and returns its bytes, to send again; null (logged) if it could not be sent. */
    byte[] trySendEncoded(SIPRequest request, Endpoint destination) {
        try {
            LOG.debug("sending {} to {}", request.getMethod(), destination);
            return sender.sendEncoded(request, destination);
        } catch (RuntimeException e) {
            TU_FAILURES.warn("send:" + e.getClass().getName(), "sending {} failed: {}", request.getMethod(), e.toString());
            return null;
        }
    }

    /** Sends bytes from {@link #trySendEncoded} again. */
    void tryResend(byte[] bytes, Endpoint destination) {
        try {
            sender.resend(bytes, destination);
        } catch (RuntimeException e) {
            TU_FAILURES.warn("send:" + e.getClass().getName(), "sending again failed: {}", e.toString());
        }
    }

    /**
     * Sends a response on the request's connection (§18.2.2) and returns it encoded, to send again; a server
     * transaction has nobody to report a failure to but the log (then null).
     */
    EncodedResponse trySendResponse(OutgoingResponse response, Endpoint requestSource) {
        try {
            LOG.debug("sending {} {}", response.statusCode(), response.method());
            return sender.sendEncodedResponse(response, requestSource);
        } catch (RuntimeException e) {
            TU_FAILURES.warn("send:" + e.getClass().getName(), "sending {} failed: {}", response.statusCode(),
                    e.toString());
            return null;
        }
    }

    /** Sends 100 Trying to {@code request}, as {@link #trySendResponse} sends a response. */
    EncodedResponse trySendTrying(SIPRequest request, Endpoint requestSource) {
        try {
            LOG.debug("sending 100 INVITE");
            return sender.sendTrying(request, requestSource);
        } catch (RuntimeException e) {
            TU_FAILURES.warn("send:" + e.getClass().getName(), "sending 100 failed: {}", e.toString());
            return null;
        }
    }

    /** Sends a response again from its bytes, as {@link #trySendResponse} sent it. */
    void tryResendResponse(EncodedResponse response, Endpoint requestSource) {
        try {
            LOG.debug("sending {} again", response.statusCode());
            sender.resendResponse(response, requestSource);
        } catch (RuntimeException e) {
            TU_FAILURES.warn("send:" + e.getClass().getName(), "sending {} failed: {}", response.statusCode(),
                    e.toString());
        }
    }

    TimerService timers() {
        return timers;
    }

    Lingering lingering() {
        return lingering;
    }

    TimerSettings settings() {
        return settings;
    }

    TransactionUser tu() {
        return tu;
    }
}
