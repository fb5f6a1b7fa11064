package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Index of live calls: by dialog on either leg (Call-ID plus the gateway's own tag, which is the
 * To tag of every in-dialog request the peer sends, so matching works even when the peer ignores
 * Record-Route) and by the client's INVITE server transaction (for CANCEL). Each dialog entry names
 * its {@link DialogPeer}, so that a request is checked against its source before it reaches the call.
 * SIP core thread only.
 */
final class CallRegistry {

    /** One leg of a live call, and who may send requests in its dialog. */
    record LegRef(Call call, boolean clientSide, DialogPeer peer) {
    }

    /** A dialog on one leg: its Call-ID and the gateway's own tag, the strings its {@link DialogLeg} holds anyway. */
    private record DialogKey(String callId, String localTag) {
    }

    private final Map<DialogKey, LegRef> byDialog = new HashMap<>();
    /*
     * Calls and transactions keep Object's identity equality. Plain hash maps, not IdentityHashMap:
     * that one's removal re-places the rest of the probe run, reading each key's identity hash from
     * its object again, a cache miss apiece on a map of some thousand live calls (issue 14: 5 % of
     * the SIP core thread at 3,000 calls a second); a HashMap node keeps its hash.
     */
    private final Map<ServerTransaction, Call> byInvite = new HashMap<>();
    /** The other way round, so that the call need not keep its INVITE transaction to the end (issue 14). */
    private final Map<Call, ServerTransaction> inviteOf = new HashMap<>();
    /** Each live call with the dialog keys it holds. */
    private final Map<Call, List<DialogKey>> calls = new HashMap<>();

    private static DialogKey key(String callId, String localTag) {
        return new DialogKey(callId, localTag);
    }

    void add(Call call, ServerTransaction invite) {
        calls.put(call, new ArrayList<>(2));
        byInvite.put(invite, call);
        inviteOf.put(call, invite);
    }

    /** Registers one leg's dialog of a live call. */
    void bindLeg(Call call, DialogLeg leg, boolean clientSide) {
        DialogKey key = key(leg.callId(), leg.localTag());
        byDialog.put(key, new LegRef(call, clientSide, leg.peer()));
        calls.get(call).add(key);
    }

    /** Forgets one leg's dialog (a failed carrier attempt before the next one, RTE-5). */
    void unbind(DialogLeg leg) {
        DialogKey key = key(leg.callId(), leg.localTag());
        LegRef ref = byDialog.remove(key);
        if (ref != null) {
            calls.get(ref.call()).remove(key);
        }
    }

    LegRef find(String callId, String localTag) {
        return localTag == null ? null : byDialog.get(key(callId, localTag));
    }

    Call byInvite(ServerTransaction invite) {
        return byInvite.get(invite);
    }

    /** Forgets a client's INVITE transaction that ended: no CANCEL can match it any more. */
    void forgetInvite(ServerTransaction invite) {
        Call call = byInvite.remove(invite);
        if (call != null) {
            inviteOf.remove(call);
        }
    }

    /** Forgets an ended call, its INVITE transaction and every dialog it held. */
    void remove(Call call) {
        ServerTransaction invite = inviteOf.remove(call);
        if (invite != null) {
            byInvite.remove(invite);
        }
        List<DialogKey> keys = calls.remove(call);
        if (keys != null) {
            keys.forEach(byDialog::remove);
        }
    }

    int size() {
        return calls.size();
    }

    Collection<Call> calls() {
        return List.copyOf(calls.keySet());
    }
}
