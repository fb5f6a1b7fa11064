package dev.softswitch.gateway;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.CallRecord;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.admin.AdminApi;
import dev.softswitch.gateway.admin.AdminBackend;
import dev.softswitch.gateway.admin.AdminHttpServer;
import dev.softswitch.gateway.admin.ApiGuard;
import dev.softswitch.gateway.admin.ApiRole;
import dev.softswitch.gateway.admin.ApiTokens;
import dev.softswitch.gateway.auth.ClientVersionCheck;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.auth.DigestAuthenticator;
import dev.softswitch.gateway.auth.NonceService;
import dev.softswitch.gateway.auth.Throttle;
import dev.softswitch.charging.product.Product;
import dev.softswitch.gateway.b2bua.B2buaHandler;
import dev.softswitch.gateway.b2bua.MediaRelayPorts;
import dev.softswitch.gateway.b2bua.OverloadGuard;
import dev.softswitch.gateway.config.AccountConfig;
import dev.softswitch.gateway.config.AuthConfig;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.HttpConfig;
import dev.softswitch.gateway.config.ProductConfig;
import dev.softswitch.gateway.log.RateLimitedLog;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.probe.TrunkProber;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.store.RedisSharedJournal;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.time.Timeout;
import dev.softswitch.gateway.time.WheelTimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.InboundMessage;
import dev.softswitch.gateway.transport.ListenPoint;
import dev.softswitch.gateway.transport.SipTransport;
import dev.softswitch.gateway.transport.SipTransportMetrics;
import dev.softswitch.gateway.transport.TransportSettings;
import dev.softswitch.gateway.transport.TransportType;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayMetrics;
import dev.softswitch.media.session.MediaTimeouts;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: SIP transport, transaction layer and B2BUA on one SIP core thread, the media
 * relay, the charging engine, call records and the admin/metrics HTTP server, wired from a
 * {@link GatewayConfig}. {@link #start} brings it all up; {@link #close} takes it all down.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final RateLimitedLog dispatchFailures = RateLimitedLog.of(log);
    private static final Duration RESERVATION_SWEEP = Duration.ofSeconds(10);
    /**
     * Charging threads with a shared store, whose every step waits on the network; with the embedded store steps run
     * on the SIP core (see {@link ChargingStores#chargingSteps}) and these threads only settle ended calls and write
     * their records, and more would only be more to wake.
     */
    private static final int SHARED_STORE_CHARGING_THREADS = 8;
    private static final int EMBEDDED_STORE_CHARGING_THREADS = 2;
    /** Nonces whose nonce-count the gateway remembers (replay protection); beyond, the oldest turn stale. */
    private static final int MAX_TRACKED_NONCES = 100_000;
    /** Precision of every SIP and charging timer. */
    private static final Duration TIMER_TICK = Duration.ofMillis(5);

    private final GatewayConfig config;
    /** The configuration last (re)loaded: its accounts' credentials are the directory's (with charging's profiles). */
    private volatile GatewayConfig current;
    private final Path source;
    private final Path baseDir;
    private final AtomicReference<SubscriberDirectory> subscribers = new AtomicReference<>();
    private RoutingService routing;
    private TrunkProber prober;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayMetrics metrics = new GatewayMetrics(registry);
    private final DefaultEventLoop core = new DefaultEventLoop(new DefaultThreadFactory("sip-core"));
    private JournalledAccountStore accounts;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Clock clock = Clock.systemUTC();
    /** New calls are refused with 503 while SIP messages wait longer than this for the core (SIG-7). */
    private final OverloadGuard overload = new OverloadGuard(Duration.ofMillis(100));
    private ChargingEngine charging;
    private SipTransport transport;
    private TransactionLayer transactions;
    private B2buaHandler b2bua;
    private Throttle throttle;
    private RedisSharedJournal sharedStore; // null unless the accounts are shared with other nodes
    private ChargingStores.NodeWatch nodeWatch;
    private MediaRelay relay;
    private AdminHttpServer admin;
    private CallRecordWriter callRecords;
    private WheelTimerService timers;
    /** Hangs up every call when the service ends (seed 000's closure), on the SIP core thread. */
    private Timeout serviceEnd;

    private Gateway(GatewayConfig config, Path source) {
        this.config = config;
        this.current = config;
        this.source = source;
        this.baseDir = source == null || source.toAbsolutePath().getParent() == null
                ? Path.of(".") : source.toAbsolutePath().getParent();
    }

    /** Starts a gateway on {@code config}; on failure everything already started is stopped again. */
    public static Gateway start(GatewayConfig config) throws Exception {
        return start(config, null);
    }

    /**
     * Starts a gateway on {@code config} read from {@code source} (null for the embedded default):
     * relative files it names (rate decks, availability) are found beside it, and {@link #reload()}
     * reads it again.
     */
    public static Gateway start(GatewayConfig config, Path source) throws Exception {
        Gateway gateway = new Gateway(config, source);
        try {
            gateway.startParts();
            return gateway;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        overload.bindTo(registry);

        String sourceName = source == null ? GatewayConfig.DEFAULT_RESOURCE : source.toString();
        ProductCatalog products = ChargingProducts.load(config.charging(), baseDir, sourceName);
        accounts = openStore(config);
        charging = new ChargingEngine(accounts, products, clock, ChargingEngine.DEFAULT_RESERVATION_TTL);
        charging.historyPeriod(config.charging().historyPeriod());
        openConfiguredAccounts(config);
        refreshSubscribers();
        routing = RoutingService.create(config, baseDir, new SplittableRandom(), registry);
        GatewayAdminBackend.restoreDrains(accounts.administration().gatewayAuditTrail(), routing.states());
        ChargingProducts.applyClosure(charging, routing.table().availability().service());
        callRecords = new CallRecordWriter(Path.of(config.cdr().file()));
        callRecords.anonymiseFromNowOn(accounts.administration().profiles().entrySet().stream()
                .filter(e -> e.getValue().anonymised()).map(Map.Entry::getKey).toList());
        closeables.add(callRecords);
        interruptedCallRecords(accounts).forEach(callRecords::write);
        nodeWatch = ChargingStores.watchNodes(accounts, config.charging().store(), callRecords::write,
                RESERVATION_SWEEP, charging::expireReservations);
        if (nodeWatch != null) {
            closeables.add(nodeWatch);
        }

        List<MediaRelay> relays = MediaRelays.start(config.media(), closeables);
        relay = relays.get(0);
        // The relay.* metrics count every media address's relay together (they share one socket budget).
        new MediaRelayMetrics(relays).bindTo(registry);

        timers = new WheelTimerService(core, clock, TIMER_TICK);
        closeables.add(timers);
        TimerSettings timerSettings = new TimerSettings(config.sip().timers().t1(), config.sip().timers().t2(),
                config.sip().timers().t4(), config.sip().timers().lastWait());

        List<ListenPoint> listen = SipListenPoints.of(config, baseDir, sourceName, clock.instant());
        transport = new SipTransport(listen, this::onMessage,
                TransportSettings.defaults().withMaxMessageBytes(config.sip().maxMessageBytes()).withClock(clock)
                        .withConnectionLimits(SipListenPoints.connectionLimits(config.sip().tcp())),
                SipListenPoints.tlsClients(config, baseDir, sourceName));
        new SipTransportMetrics(transport.counters()).bindTo(registry);
        if (config.sip().sdesWithoutTls()) {
            log.warn("sip.sdesWithoutTls is on: SRTP keys (SDES a=crypto) are accepted over UDP and TCP, readable"
                    + " by anyone on the signalling path (fit for a loopback demo only)");
        }
        ExecutorService chargingExecutor = Executors.newFixedThreadPool(config.charging().store().shared()
                        ? SHARED_STORE_CHARGING_THREADS : EMBEDDED_STORE_CHARGING_THREADS,
                new DefaultThreadFactory("charging"));
        closeables.add(() -> {
            chargingExecutor.shutdown();
            if (!chargingExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("charging tasks still running at shutdown");
            }
        });
        AuthConfig auth = config.auth();
        DigestAuthenticator authenticator = new DigestAuthenticator(auth.realm(),
                auth.algorithms().stream().map(a -> DigestAlgorithm.ofToken(a).orElseThrow()).toList(),
                new NonceService(timers::now, auth.nonceTtl(), new SecureRandom()), MAX_TRACKED_NONCES, timers::now,
                user -> subscribers.get().find(user).map(Subscriber::credentials));
        throttle = new Throttle(auth.throttle(), timers::now, metrics);
        ChargingStores.shareBans(nodeWatch, sharedStore, throttle, core);
        b2bua = B2buaHandler.builder()
                .sip(transport, timers, timerSettings)
                .auth(authenticator)
                .clients(new ClientVersionCheck(config.clients().app(), config.clients().minimumVersions()))
                .throttle(throttle)
                .charging(charging, chargingExecutor,
                        ChargingStores.chargingSteps(config.charging().store().shared(), core, chargingExecutor),
                        callRecords)
                .relay(new MediaRelayPorts(relays, new MediaTimeouts(config.media().timeout(), config.media().holdTimeout()),
                        config.media().clientRtcpMux()))
                .routing(routing, subscribers::get)
                .metrics(metrics)
                .overload(overload)
                .sdesWithoutTls(config.sip().sdesWithoutTls())
                .sessionTimers(config.sip().sessionTimers())
                .build();
        transactions = new TransactionLayer(transport, timers, timerSettings, b2bua);
        b2bua.bind(transactions);
        FairUseActions.watch(products, charging, metrics, core, b2bua);
        transport.start();
        closeables.add(transport);
        prober = new TrunkProber(transactions, timers, transport, routing.states(),
                config.routing().probeInterval(), config.routing().probeFailures());
        core.submit(() -> {
            prober.update(routing.table().selector().trunks());
            prober.start();
            expireStaleReservations(timers);
            scheduleServiceEnd();
        }).get(5, TimeUnit.SECONDS);

        admin = new AdminHttpServer(config.http().host(), config.http().port(), registry, adminApi());
        admin.start();
        closeables.add(admin);
        log.info("gateway up: SIP {} , HTTP {}", listen, admin.localAddress());
    }

    /** The prepaid accounts' store: replayed from the journal when one is configured (CHG-7), else in memory. */
    private JournalledAccountStore openStore(GatewayConfig config) throws IOException {
        ChargingStores.Opened opened = ChargingStores.open(config.charging(), clock, registry);
        if (opened.closer() != null) {
            closeables.add(opened.closer());
        }
        sharedStore = opened.shared();
        return opened.store();
    }

    /**
     * Opens each configured account the store does not hold yet on its product, its opening balance a credit lot
     * with the product's validity; accounts the journal holds keep what they have.
     */
    private void openConfiguredAccounts(GatewayConfig config) {
        Set<String> existing = new HashSet<>(accounts.accountIds());
        for (AccountConfig a : config.charging().accounts()) {
            if (existing.contains(a.id())) {
                continue;
            }
            ProductConfig product = config.charging().productOf(a);
            try {
                charging.openAccount(a.id(), product.name(), a.zone() == null ? null : ZoneId.of(a.zone()));
            } catch (IllegalArgumentException e) {
                if (accounts.account(a.id()).isPresent()) {
                    continue; // another node sharing the store opened it meanwhile, with its opening credit
                }
                throw e;
            }
            Money opening = Money.parse(a.balance(), product.currency());
            if (opening.isPositive()) {
                charging.purchaseCredit(a.id(), opening, "opening");
            }
            if (a.monthlyPackage() != null) {
                charging.subscribePackage(a.id(), a.monthlyPackage());
            }
        }
        log.info("{} accounts ({}), {} from the journal; products {}", accounts.accountIds().size(),
                config.charging().journal() == null ? "in memory" : "journal " + config.charging().journal(),
                existing.size(), charging.products().all().stream().map(Product::name).toList());
    }

    /** Rebuilds the subscriber directory from the configuration and charging's profiles (SubscriberDirectories). */
    private void refreshSubscribers() {
        subscribers.set(SubscriberDirectories.of(current, accounts.administration().profiles()));
    }

    private AdminApi adminApi() {
        HttpConfig http = config.http();
        ApiTokens tokens = new ApiTokens(http.tokens().stream()
                .map(t -> new ApiTokens.Token(t.name(), ApiRole.of(t.role()), t.sha256())).toList());
        List<String> hosts = http.allowedHosts().isEmpty() ? ApiGuard.defaultHosts(http.host(), http.port())
                : http.allowedHosts();
        GatewayAdminBackend backend = new GatewayAdminBackend(new GatewayAdminBackend.Parts(charging, callRecords,
                config.auth().realm(), subscribers::get, this::refreshSubscribers, () -> routing, () -> b2bua, core,
                this::reload));
        return AdminApi.of(new ApiGuard(tokens, hosts), backend);
    }

    /**
     * Settles the calls the previous run left live (it crashed or was killed) and returns their call records, cause
     * {@code gateway_restart}; to be called once at start, before any call can arrive (issue 12).
     */
    static List<CallRecord> interruptedCallRecords(JournalledAccountStore store) {
        List<CallRecord> out = ChargingStores.recordsOf(store.settleInterruptedCalls(), "gateway_restart");
        if (!out.isEmpty()) {
            log.warn("{} call(s) were live when the gateway last stopped; settled and recorded", out.size());
        }
        return out;
    }

    /**
     * Reads the configuration file again and applies what can change while calls run (OPS-3): products (sell
     * decks, tax, plans, packages), trunks with their buy-rate decks, availability, and accounts (new ones are
     * opened, credentials and numbers take effect). Calls in progress keep their rate. A bad file is refused
     * whole, naming the line, and the running configuration stays; sections that need a restart are named.
     *
     * @throws ConfigException naming every problem of the new file
     */
    public AdminBackend.ReloadReport reload() throws Exception {
        GatewayConfig next = source == null ? GatewayConfig.loadDefault() : GatewayConfig.load(source);
        String sourceName = source == null ? GatewayConfig.DEFAULT_RESOURCE : source.toString();
        ProductCatalog products = ChargingProducts.load(next.charging(), baseDir, sourceName);
        routing.reload(next, baseDir);
        charging.reloadProducts(products);
        charging.historyPeriod(next.charging().historyPeriod());
        ChargingProducts.applyClosure(charging, routing.table().availability().service());
        openConfiguredAccounts(next);
        current = next;
        refreshSubscribers();
        core.submit(() -> {
            prober.update(routing.table().selector().trunks());
            scheduleServiceEnd();
        }).get(5, TimeUnit.SECONDS);
        List<String> reloaded = List.of("products (sell decks, tax, plans, packages)", "trunks and buy-rate decks",
                "availability and the service end", "accounts (new ones opened)", "account credentials and numbers",
                "the usage history's period");
        List<String> restart = ConfigChanges.needingRestart(config, next);
        String summary = "configuration reloaded from " + (source == null ? "embedded default" : source) + ": "
                + products.all().size() + " products, " + routing.table().selector().trunks().size() + " trunks, "
                + next.charging().accounts().size() + " configured accounts"
                + (restart.isEmpty() ? "" : "; changed but applied only at restart: " + String.join(", ", restart));
        log.info("{}", summary);
        return new AdminBackend.ReloadReport(reloaded, restart, summary);
    }

    /** Routing, for tests and the admin API (trunk states, candidates). */
    public RoutingService routing() {
        return routing;
    }

    /**
     * At the service's end of calls (availability.service.callsEnd, seed 000) every call still up is hung up on
     * both legs at that instant, and charged to it; new calls are refused from then on by routing. On the SIP
     * core thread; a reload moves the instant.
     */
    private void scheduleServiceEnd() {
        if (serviceEnd != null) {
            serviceEnd.cancel();
            serviceEnd = null;
        }
        Instant callsEnd = routing.table().availability().service().callsEnd();
        Instant now = timers.now();
        if (callsEnd.isAfter(now) && callsEnd.isBefore(now.plus(Duration.ofDays(3650)))) {
            serviceEnd = timers.scheduleAt(callsEnd, () -> {
                log.warn("the service ends now ({}): hanging up every call", callsEnd);
                b2bua.hangUpAll("service_ended", 403, "This calling service has ended");
            });
        }
    }

    /** Returns reservations whose caller vanished (CHG-6 TTL), every few seconds, on the SIP core thread. */
    private void expireStaleReservations(TimerService timers) {
        if (config.charging().store().shared()) {
            return; // the charging-store thread sweeps: a shared store's sweep waits on the network
        }
        timers.schedule(RESERVATION_SWEEP, () -> {
            try {
                int expired = charging.expireReservations();
                if (expired > 0) {
                    log.warn("{} stale reservations expired and returned", expired);
                }
            } catch (RuntimeException e) {
                log.error("reservation sweep failed", e);
            }
            if (!core.isShuttingDown()) {
                expireStaleReservations(timers);
            }
        });
    }

    /** Called on a transport I/O thread: hands the message to the SIP core thread. */
    private void onMessage(InboundMessage m) {
        core.execute(() -> dispatch(m));
    }

    private void dispatch(InboundMessage m) {
        overload.observe(m.receivedAt(), clock.instant());
        try {
            if (m.message() instanceof SIPRequest request) {
                metrics.requestReceived(request.getMethod());
                if (throttle.admits(request, m.source())) {
                    transactions.onRequest(request, m.source());
                }
            } else if (m.message() instanceof SIPResponse response) {
                transactions.onResponse(response, m.source());
            }
        } catch (RuntimeException e) {
            dispatchFailures.error(e.getClass().getName(), "message from {} failed in the SIP core", m.source(), e);
        }
    }

    public InetSocketAddress sipAddress(TransportType t) {
        return transport.localAddress(t);
    }

    public InetSocketAddress httpAddress() {
        return admin.localAddress();
    }

    /** The charging engine: products, authorisation, purchases, quotes (the admin API sells through it). */
    public ChargingEngine charging() {
        return charging;
    }

    /** The prepaid accounts (tests and the admin API read balances here). */
    public JournalledAccountStore accounts() {
        return accounts;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public MediaRelay relay() {
        return relay;
    }

    /** Live SIP transactions, client and server, those completed but still absorbing retransmissions too. */
    public int liveTransactions() throws Exception {
        return core.submit(() -> transactions.size()).get(5, TimeUnit.SECONDS);
    }

    /** Calls in progress, counted on the SIP core thread. */
    public int activeCalls() throws Exception {
        return core.submit(() -> b2bua.activeCalls()).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (prober != null && !core.isShuttingDown()) {
            core.execute(prober::stop);
        }
        if (b2bua != null && transactions != null && !core.isShuttingDown()) {
            try {
                core.submit(() -> b2bua.hangUpAll("shutdown")).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("could not hang up calls at shutdown", e);
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed", closeables.get(i), e);
            }
        }
        closeables.clear();
        core.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
