package dev.softswitch.gateway.admin;

import dev.softswitch.charging.session.ChargingEngine;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin API needs of the running gateway beyond the charging engine: SIP credentials, the number
 * plan, live calls, trunks and reload. The wiring ({@code GatewayAdminBackend}) implements it, so that this
 * package knows nothing of the B2BUA or routing.
 */
public interface AdminBackend {

    /** The audit action of draining a trunk (its detail: the trunk's name); a restart drains it again. */
    String DRAIN_ACTION = "drain-trunk";
    /** The audit action of taking a drained trunk back. */
    String UNDRAIN_ACTION = "undrain-trunk";

    /** The charging engine: accounts, purchases, history, explanations. */
    ChargingEngine charging();

    /**
     * Opens account {@code id} on {@code product} in {@code zone} (null: the product's); throws
     * IllegalArgumentException naming why not.
     */
    void openAccount(String id, String product, ZoneId zone);

    /** The HA1 hashes of {@code password} for the gateway's digest realm, by algorithm name (SIG-4). */
    Map<String, String> passwordHashes(String accountId, String password);

    /**
     * Removes what the gateway holds of a deleted account's personal data outside charging (ACC-4): the callee
     * numbers of its call records. Returns how many records it anonymised.
     */
    int forget(String accountId);

    /** Charging's profiles changed (an account created, deleted): the gateway learns them at once. */
    void subscribersChanged();

    /**
     * The verified number and country the gateway knows {@code accountId} by (from the configuration or the
     * journaled profile), each null when it has none.
     */
    Identity identity(String accountId);

    /** An account's verified number (E.164) and the country it calls from (ISO 3166), either null. */
    record Identity(String number, String country) {
    }

    /**
     * Why nothing may be sold to {@code accountId} now, or empty: sales ended service-wide (RTE-6), or are suspended
     * for users in the country the account calls from (RTE-3, seed 000: "credit sales suspended in Cambodia").
     */
    Optional<String> salesRefusal(String accountId);

    /** When calls end service-wide (availability.service.callsEnd, RTE-6); {@link Instant#MAX} if never. */
    Instant callsEnd();

    /** What the number plan says of {@code number} dialled by {@code accountId} (a subscriber or not). */
    Dialled dial(String accountId, String number);

    /** The calls in progress. */
    List<LiveCallView> liveCalls() throws Exception;

    /** Ends the live call {@code callId} (answered: BYE on both legs; ringing: refused and cancelled); false when none. */
    boolean hangUp(String callId) throws Exception;

    /** Every trunk's state. */
    List<TrunkView> trunks();

    /** Drains or undrains trunk {@code name}; false when there is no such trunk. */
    boolean drain(String name, boolean drained);

    /** Reloads what can be reloaded; names what it did not. */
    ReloadReport reload() throws Exception;

    /**
     * A dialled number: its E.164 digits, type and country, or why it cannot be called ({@code refusal} with
     * its SIP code); {@code digits} is null when the number did not parse.
     */
    record Dialled(String digits, String numberType, String country, String refusal, Integer sipCode) {
    }

    /** A call in progress. */
    record LiveCallView(String callId, String account, String callee, String state, Instant startedAt,
                        Instant answeredAt, String trunk) {
    }

    /** A trunk: where it is, whether probing finds it up, whether it is drained, channels in use. */
    record TrunkView(String name, String host, int port, String transport, boolean up, boolean drained,
                     int channelsInUse, int maxChannels) {
    }

    /** What a reload did: the parts reloaded and the changed parts it could not (they need a restart). */
    record ReloadReport(List<String> reloaded, List<String> notReloaded, String summary) {
    }
}
