package dev.softswitch.gateway.e2e;

import dev.softswitch.charging.account.InMemoryAccountStore;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.b2bua.B2buaHandler;
import dev.softswitch.gateway.b2bua.B2buaParts;
import dev.softswitch.gateway.config.AccountConfig;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.ListenConfig;
import dev.softswitch.gateway.config.RateConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.time.ExecutorTimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.InboundMessage;
import dev.softswitch.gateway.transport.ListenPoint;
import dev.softswitch.gateway.transport.SipTransport;
import dev.softswitch.gateway.transport.TransportSettings;
import dev.softswitch.gateway.transport.TransportType;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayConfig;
import dev.softswitch.media.MediaTimeouts;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's SIP side, B2BUA, relay and charging assembled as {@link dev.softswitch.gateway.Gateway}
 * does, but with a short media timeout: {@code Gateway} hard-codes {@link MediaTimeouts#defaults()} (30 s)
 * and has no {@code media.timeout} configuration key yet. Same classes, same wiring, no admin HTTP.
 */
final class MediaTimeoutGateway implements AutoCloseable {

    private final DefaultEventLoop core = new DefaultEventLoop();
    private final InMemoryAccountStore accounts = new InMemoryAccountStore();
    private final CallRecordWriter callRecords;
    private final MediaRelay relay;
    private final SipTransport transport;
    private final B2buaHandler b2bua;
    private final TransactionLayer transactions;

    MediaTimeoutGateway(GatewayConfig config, MediaTimeouts timeouts) throws Exception {
        String currency = config.charging().currency();
        List<Rate> rates = new ArrayList<>();
        for (RateConfig r : config.charging().rates()) {
            rates.add(new Rate(r.prefix(), r.destination(), Money.parse(r.perMinute(), currency),
                    Money.parse(r.connectFee(), currency), r.initialIncrement(), r.subsequentIncrement()));
        }
        List<Subscriber> subscribers = new ArrayList<>();
        for (AccountConfig a : config.charging().accounts()) {
            accounts.create(a.id(), Money.parse(a.balance(), currency));
            subscribers.add(new Subscriber(a.id(), a.number(), a.country()));
        }
        SubscriberDirectory directory = new SubscriberDirectory(subscribers);
        ChargingEngine charging = new ChargingEngine(accounts, RateSchedule.of(RateTable.of(rates)), Clock.systemUTC(),
                ChargingEngine.DEFAULT_RESERVATION_TTL);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RoutingService routing = RoutingService.create(config, Path.of("."), new SplittableRandom(), registry);
        callRecords = new CallRecordWriter(Path.of(config.cdr().file()));
        relay = MediaRelay.builder(new MediaRelayConfig(config.media().host(), config.media().portMin(),
                config.media().portMax(), 1)).sweepInterval(Duration.ofMillis(100)).start();
        ExecutorTimerService timers = new ExecutorTimerService(core, Clock.systemUTC());
        TimerSettings timerSettings = new TimerSettings(config.sip().timers().t1(), config.sip().timers().t2(),
                config.sip().timers().t4());
        List<ListenPoint> listen = new ArrayList<>();
        for (ListenConfig l : config.sip().listen()) {
            listen.add(new ListenPoint(TransportType.parse(l.transport()), l.host(), l.port()));
        }
        transport = new SipTransport(listen, this::onMessage,
                TransportSettings.defaults().withMaxMessageBytes(config.sip().maxMessageBytes()));
        b2bua = new B2buaHandler(new B2buaParts(transport, timers, timerSettings, charging, relay, timeouts,
                routing, () -> directory, callRecords, new GatewayMetrics(registry)));
        transactions = new TransactionLayer(transport, timers, timerSettings, b2bua);
        b2bua.bind(transactions);
        transport.start();
    }

    private void onMessage(InboundMessage m) {
        core.execute(() -> {
            if (m.message() instanceof SIPRequest request) {
                transactions.onRequest(request, m.source());
            } else if (m.message() instanceof SIPResponse response) {
                transactions.onResponse(response, m.source());
            }
        });
    }

    InMemoryAccountStore accounts() {
        return accounts;
    }

    MediaRelay relay() {
        return relay;
    }

    int activeCalls() throws Exception {
        return core.submit(b2bua::activeCalls).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        core.submit(() -> b2bua.hangUpAll("shutdown")).get(5, TimeUnit.SECONDS);
        transport.close();
        relay.close();
        callRecords.close();
        core.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
