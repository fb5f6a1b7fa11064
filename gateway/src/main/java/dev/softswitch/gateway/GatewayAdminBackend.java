package dev.softswitch.gateway;

import dev.softswitch.charging.account.AuditEntry;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.admin.AdminBackend;
import dev.softswitch.gateway.auth.DigestCredentials;
import dev.softswitch.gateway.b2bua.B2buaHandler;
import dev.softswitch.gateway.routing.PhoneNumberInfo;
import dev.softswitch.gateway.routing.RouteDecision;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.routing.Trunk;
import dev.softswitch.gateway.routing.TrunkState;
import dev.softswitch.gateway.routing.TrunkStates;
import dev.softswitch.gateway.transport.Endpoint;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The running gateway as the admin API sees it: charging, SIP credentials in the configured realm, the number
 * plan, live calls (asked on the SIP core thread, where calls live) and trunks.
 */
final class GatewayAdminBackend implements AdminBackend {

    /** The parts of the gateway the API reaches, and what it calls back. */
    record Parts(ChargingEngine charging, CallRecordWriter callRecords, String realm, Supplier<SubscriberDirectory> subscribers,
                 Runnable refreshSubscribers, Supplier<RoutingService> routing, Supplier<B2buaHandler> b2bua,
                 EventLoop core, Callable<ReloadReport> reload) {
    }

    private final Parts parts;

    GatewayAdminBackend(Parts parts) {
        this.parts = parts;
    }

    @Override
    public ChargingEngine charging() {
        return parts.charging();
    }

    @Override
    public void openAccount(String id, String product, ZoneId zone) {
        parts.charging().openAccount(id, product, zone);
    }

    @Override
    public Map<String, String> passwordHashes(String accountId, String password) {
        DigestCredentials c = DigestCredentials.derive(accountId, parts.realm(), password);
        Map<String, String> out = new TreeMap<>();
        c.ha1().forEach((algorithm, ha1) -> out.put(algorithm.token(), ha1));
        return out;
    }

    @Override
    public int forget(String accountId) {
        return parts.callRecords().anonymise(accountId);
    }

    @Override
    public void subscribersChanged() {
        parts.refreshSubscribers().run();
    }

    @Override
    public Identity identity(String accountId) {
        Optional<Subscriber> subscriber = parts.subscribers().get().find(accountId);
        return new Identity(subscriber.map(Subscriber::verifiedNumber).orElse(null),
                subscriber.map(Subscriber::country).orElse(null));
    }

    @Override
    public Optional<String> salesRefusal(String accountId) {
        RoutingService routing = parts.routing().get();
        String country = countryOf(accountId, routing);
        Instant now = parts.charging().clock().instant();
        if (!routing.salesSuspended(country, now)) {
            return Optional.empty();
        }
        return Optional.of(routing.salesSuspended(null, now) ? "sales have ended (availability.service.salesEnd)"
                : "sales to users in " + country + " are suspended (availability.countries[" + country
                        + "].salesSuspended)");
    }

    @Override
    public Instant callsEnd() {
        return parts.routing().get().table().availability().service().callsEnd();
    }

    /** The country {@code accountId} calls from: its subscriber's, else its verified number's; null if neither. */
    private String countryOf(String accountId, RoutingService routing) {
        Optional<Subscriber> subscriber = parts.subscribers().get().find(accountId);
        String country = subscriber.map(Subscriber::country).orElse(null);
        String verified = subscriber.map(Subscriber::verifiedNumber).orElse(null);
        if (country == null && verified != null) {
            country = routing.countryOf(verified).orElse(null);
        }
        return country;
    }

    @Override
    public Dialled dial(String accountId, String number) {
        RoutingService routing = parts.routing().get();
        String country = countryOf(accountId, routing);
        RouteDecision d = routing.preview(country, number, parts.charging().clock().instant());
        if (d instanceof RouteDecision.Refused r) {
            PhoneNumberInfo n = r.number();
            return new Dialled(n == null ? null : n.digits(), n == null ? null : n.type().name(),
                    n == null ? null : n.regionCode(), r.refusal().reasonPhrase(), r.refusal().sipCode());
        }
        PhoneNumberInfo n = ((RouteDecision.Routed) d).number();
        return new Dialled(n.digits(), n.type().name(), n.regionCode(), null, null);
    }

    @Override
    public List<LiveCallView> liveCalls() throws Exception {
        return onCore(() -> parts.b2bua().get().liveCalls().stream().map(c -> new LiveCallView(c.callId(),
                c.account(), c.callee(), c.state(), c.startedAt(), c.answeredAt(), c.trunk())).toList());
    }

    @Override
    public boolean hangUp(String callId) throws Exception {
        return onCore(() -> parts.b2bua().get().hangUp(callId, "operator"));
    }

    @Override
    public List<TrunkView> trunks() {
        RoutingService routing = parts.routing().get();
        return routing.table().selector().trunks().stream().map(t -> view(t, routing.states().of(t.name())))
                .toList();
    }

    @Override
    public boolean drain(String name, boolean drained) {
        RoutingService routing = parts.routing().get();
        if (routing.table().selector().trunks().stream().noneMatch(t -> t.name().equals(name))) {
            return false;
        }
        routing.states().of(name).drain(drained);
        return true;
    }

    /** Drains again the trunks an operator left drained before a restart, as the journalled audit says. */
    static void restoreDrains(List<AuditEntry> audit, TrunkStates states) {
        for (AuditEntry a : audit) {
            if (a.action().equals(DRAIN_ACTION) || a.action().equals(UNDRAIN_ACTION)) {
                states.of(a.detail()).drain(a.action().equals(DRAIN_ACTION));
            }
        }
    }

    @Override
    public ReloadReport reload() throws Exception {
        return parts.reload().call();
    }

    private static TrunkView view(Trunk t, TrunkState s) {
        Endpoint e = t.endpoint();
        return new TrunkView(t.name(), e.address().getHostString(), e.address().getPort(),
                e.transport().name().toLowerCase(java.util.Locale.ROOT), s.isUp(), s.isDrained(), s.channelsInUse(),
                t.maxChannels());
    }

    private <T> T onCore(Callable<T> task) throws Exception {
        return parts.core().submit(task).get(5, TimeUnit.SECONDS);
    }
}
