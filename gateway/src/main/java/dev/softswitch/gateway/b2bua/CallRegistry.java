package dev.softswitch.gateway.b2bua;

import dev.softswitch.gateway.transaction.ServerTransaction;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Index of live calls: by dialog on either leg (Call-ID plus the gateway's own tag, which is the
 * To tag of every in-dialog request the peer sends, so matching works even when the peer ignores
 * Record-Route) and by the client's INVITE server transaction (for CANCEL). SIP core thread only.
 */
final class CallRegistry {

    record LegRef(Call call, boolean clientSide) {
    }

    private final Map<String, LegRef> byDialog = new HashMap<>();
    private final Map<ServerTransaction, Call> byInvite = new IdentityHashMap<>();
    private final Map<Call, Boolean> calls = new IdentityHashMap<>();

    static String key(String callId, String localTag) {
        return callId + '\u0000' + localTag;
    }

    void add(Call call, ServerTransaction invite) {
        calls.put(call, Boolean.TRUE);
        byInvite.put(invite, call);
    }

    /** Registers one leg's dialog; returns the key, which the call keeps to unregister. */
    String bindLeg(Call call, String callId, String localTag, boolean clientSide) {
        String key = key(callId, localTag);
        byDialog.put(key, new LegRef(call, clientSide));
        return key;
    }

    /** Forgets one leg's dialog (a failed carrier attempt before the next one, RTE-5). */
    void unbind(String key) {
        byDialog.remove(key);
    }

    LegRef find(String callId, String localTag) {
        return localTag == null ? null : byDialog.get(key(callId, localTag));
    }

    Call byInvite(ServerTransaction invite) {
        return byInvite.get(invite);
    }

    void remove(Call call, ServerTransaction invite, List<String> dialogKeys) {
        calls.remove(call);
        byInvite.remove(invite);
        for (String key : dialogKeys) {
            byDialog.remove(key);
        }
    }

    int size() {
        return calls.size();
    }

    Collection<Call> calls() {
        return List.copyOf(calls.keySet());
    }
}
