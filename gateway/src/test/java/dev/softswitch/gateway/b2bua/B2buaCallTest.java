package dev.softswitch.gateway.b2bua;

import static dev.softswitch.gateway.testing.SipMessageFixtures.request;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.journal.DeferredDurability;
import dev.softswitch.charging.journal.Journal;
import dev.softswitch.charging.journal.JournalUnavailableException;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.auth.ClientVersionCheck;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.auth.DigestAuthenticator;
import dev.softswitch.gateway.auth.DigestCredentials;
import dev.softswitch.gateway.auth.NonceService;
import dev.softswitch.gateway.auth.Throttle;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.ThrottleConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.sdp.SdpRewriter;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.RecordingSipSender;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.testing.SipMessageFixtures.RequestBuilder;
import dev.softswitch.gateway.testing.SipMessageFixtures.ResponseBuilder;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The B2BUA call flow with the real transaction layer and charging engine, a recording sender in
 * place of the network, a fake relay and a manual clock: every instant is exact, nothing sleeps and
 * nothing polls. Charging steps run inline; their results reach the call as due timer tasks.
 */
class B2buaCallTest {

    private static final Endpoint CLIENT = Endpoint.of("127.0.0.1", 5070, TransportType.UDP);
    private static final Endpoint TLS_CLIENT = Endpoint.of("127.0.0.1", 5071, TransportType.TLS);
    private static final Endpoint CARRIER = Endpoint.of("127.0.0.1", 5080, TransportType.UDP);
    /** Knows the dialog's Call-ID and tags, but sends from where neither peer is (issue 10). */
    private static final Endpoint STRANGER_PORT = Endpoint.of("127.0.0.1", 5071, TransportType.UDP);
    private static final Endpoint STRANGER_HOST = Endpoint.of("192.0.2.66", 5070, TransportType.UDP);

    @TempDir
    Path dir;

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final JournalledAccountStore accounts = new JournalledAccountStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OverloadGuard overload = new OverloadGuard(Duration.ofMillis(100));
    private final FakeRelayPorts relay = new FakeRelayPorts(timers);
    private final DigestAuthenticator authenticator = new DigestAuthenticator(TestAccounts.REALM,
            List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5),
            new NonceService(timers::now, Duration.ofMinutes(5), new SecureRandom()), 1000, timers::now,
            user -> SUBSCRIBERS.find(user).map(Subscriber::credentials));
    private final Throttle throttle = new Throttle(ThrottleConfig.DEFAULTS, timers::now, new GatewayMetrics(registry));
    private CallRecordWriter records;
    private TransactionLayer transactions;
    private B2buaHandler b2bua;

    @BeforeEach
    void setUp() {
        // 0.60 USD a minute in 2-second increments: 0.02 USD an increment.
        RateTable rates = RateTable.of(List.of(
                new Rate("447", "UK mobile", usd("0.60"), usd("0"), 2, 2),
                new Rate("44", "UK", usd("0.06"), usd("0"), 60, 60)));
        accounts.create("alice", usd("10.00"));
        accounts.create("bob", usd("0.06"));
        accounts.create("carol", usd("0"));
        records = new CallRecordWriter(dir.resolve("calls.jsonl"));
        b2bua = handler(new ChargingEngine(accounts, rates), routing("[\"44\"]"), overload);
        overload.bindTo(registry);
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);
    }

    private B2buaHandler handler(ChargingEngine charging, RoutingService routing, OverloadGuard guard) {
        return handler(charging, routing, guard, false);
    }

    private B2buaHandler handler(ChargingEngine charging, RoutingService routing, OverloadGuard guard,
                                 boolean sdesWithoutTls) {
        return B2buaHandler.builder()
                .sip(sender, timers, TimerSettings.rfc3261())
                .auth(authenticator)
                .clients(new ClientVersionCheck("SoftphoneApp", java.util.Map.of("Android", "4.0.0")))
                .throttle(throttle)
                .charging(charging, Runnable::run, Runnable::run, records)
                .relay(relay)
                .routing(routing, () -> SUBSCRIBERS)
                .metrics(new GatewayMetrics(registry))
                .overload(guard)
                .sdesWithoutTls(sdesWithoutTls)
                .build();
    }

    @AfterEach
    void tearDown() {
        records.close();
    }

    @Test
    void anInviteWithoutCredentialsIsChallengedSha256FirstAndNothingElseIsSaid() {
        transactions.onRequest(unauthenticatedInvite("carol", "12", "a1").build(), CLIENT);
        assertThat(sender.statuses()).containsExactly(407);
        SIPResponse challenge = sender.lastResponse();
        List<String> offers = headerValues(challenge, "Proxy-Authenticate");
        assertThat(offers).hasSize(2);
        assertThat(DigestTestClient.params(offers.get(0))).containsEntry("algorithm", "SHA-256")
                .containsEntry("realm", TestAccounts.REALM).containsEntry("qop", "auth");
        assertThat(DigestTestClient.params(offers.get(1))).containsEntry("algorithm", "MD5");
        assertThat(DigestTestClient.params(offers.get(0)).get("nonce")).isEqualTo(DigestTestClient.params(offers.get(1)).get("nonce"));
        // carol has no credit and "12" is no number: neither is said before she proves who she is.
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(b2bua.activeCalls()).isZero();
    }

    @Test
    void anUnknownUserAndAWrongPasswordGetTheSameAnswer() {
        String uri = "sip:+447400123456@127.0.0.1:5060";
        String challenge = DigestTestClient.challenge(authenticator);
        transactions.onRequest(unauthenticatedInvite("mallory", "+447400123456", "w1").header("Proxy-Authorization",
                DigestTestClient.authorization(challenge, "mallory", "guess", "INVITE", uri, 1, "x")).build(), CLIENT);
        String unknown = masked(sender.lastResponse());
        transactions.onRequest(unauthenticatedInvite("mallory", "+447400123456", "w2").header("Proxy-Authorization",
                DigestTestClient.authorization(challenge, "alice", "guess", "INVITE", uri, 1, "x")).build(), CLIENT);
        String wrongPassword = masked(sender.lastResponse());
        assertThat(sender.statuses()).containsExactly(403, 403);
        assertThat(wrongPassword).isEqualTo(unknown).startsWith("SIP/2.0 403 Forbidden\r\n");
        assertThat(sender.requests("INVITE")).isEmpty();
    }

    @Test
    void anAppOlderThanItsPlatformsMinimumIsToldToUpdateBeforeAnythingElse() {
        transactions.onRequest(inviteFrom("alice", "+447400123456", "v1")
                .header("User-Agent", "SoftphoneApp/3.2.0 (Pixel 7; Android 14)").build(), CLIENT);
        assertThat(sender.statuses()).containsExactly(403);
        assertThat(sender.lastResponse().getReasonPhrase())
                .isEqualTo("Update Required: install SoftphoneApp 4.0.0 or later on Android");
        assertThat(sender.requests("INVITE")).isEmpty();

        transactions.onRequest(inviteFrom("alice", "+447400123456", "v2")
                .header("User-Agent", "SoftphoneApp/4.2.1 (Pixel 7; Android 14)").build(), CLIENT);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+447400123456@");
    }

    @Test
    void theCallerIsTheAccountTheCredentialsProveNotTheFromHeader() throws Exception {
        // From claims alice; the credentials are bob's: bob pays, and the carrier sees bob's number.
        SIPRequest invite = unauthenticatedInvite("alice", "+447400123456", "f1").header("Proxy-Authorization",
                credentialsFor("bob", "INVITE", "sip:+447400123456@127.0.0.1:5060")).build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        assertThat(carrierInvite.getFrom().getAddress().getURI().toString()).contains("+447400000002");
        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);
        timers.advance(Duration.ofSeconds(1)); // one started 2-second increment: 0.02 USD
        transactions.onRequest(clientBye(invite, ok), CLIENT);
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(accounts.balance("bob")).contains(usd("0.04"));
        assertThat(onlyRecord().get("caller").asText()).isEqualTo("bob");
    }

    @Test
    void md5CredentialsAreAcceptedToo() {
        String md5 = DigestTestClient.offering(DigestTestClient.challenges(authenticator, false), DigestAlgorithm.MD5);
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "m1").header("Proxy-Authorization",
                DigestTestClient.authorization(md5, "alice", "alice-demo", "INVITE", "sip:+447400123456@127.0.0.1:5060",
                        1, "m")).build(), CLIENT);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+447400123456@");
    }

    @Test
    void aReplayedNonceCountIsRefusedAndAnExpiredNonceIsChallengedAsStale() {
        String uri = "sip:+447400123456@127.0.0.1:5060";
        String credentials = credentialsFor("alice", "INVITE", uri);
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "r1")
                .header("Proxy-Authorization", credentials).build(), CLIENT);
        assertThat(onlyRequest("INVITE")).isNotNull();
        // The same credentials in a new request (another Call-ID and branch): a replay.
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "r2")
                .header("Proxy-Authorization", credentials).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(403);

        String late = credentialsFor("alice", "INVITE", uri);
        timers.advance(Duration.ofMinutes(5).plusSeconds(1));
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "r3")
                .header("Proxy-Authorization", late).build(), CLIENT);
        SIPResponse stale = sender.lastResponse();
        assertThat(stale.getStatusCode()).isEqualTo(407);
        assertThat(headerValues(stale, "Proxy-Authenticate")).allSatisfy(h -> assertThat(h).contains("stale=true"));
        // One call reached the carrier (its INVITE retransmitted meanwhile, one Call-ID).
        assertThat(sender.requests("INVITE")).extracting(r -> r.getCallId().getCallId()).containsOnly(
                sender.requests("INVITE").get(0).getCallId().getCallId());
    }

    @Test
    void anAccountGuessedFromBehindANatIsBannedWhileTheOtherAccountsBehindItGoOnCalling() {
        Endpoint guesser = Endpoint.of("127.0.0.1", 40000, TransportType.UDP); // CLIENT's address: one NAT
        String uri = "sip:+447400123456@127.0.0.1:5060";
        for (int i = 1; i <= 6; i++) {
            admit(unauthenticatedInvite("alice", "+447400123456", "g" + i).header("Proxy-Authorization",
                    DigestTestClient.authorization(DigestTestClient.challenge(authenticator), "alice", "guess" + i, "INVITE",
                            uri, 1, "g")).build(), guesser);
        }
        assertThat(sender.statuses()).containsExactly(403, 403, 403, 403, 403, 403);
        String wrongPassword = masked(sender.lastResponse());
        // The sixth failure in a minute banned alice: now even her password gets the same 403, unchecked.
        admit(inviteFrom("alice", "+447400123456", "a1").build(), CLIENT);
        assertThat(masked(sender.lastResponse())).isEqualTo(wrongPassword);
        assertThat(sender.requests("INVITE")).isEmpty();
        // bob, behind the same address, calls as usual.
        admit(inviteFrom("bob", "+447400123456", "b1").build(), CLIENT);
        assertThat(onlyRequest("INVITE").getFrom().getAddress().getURI().toString()).contains("+447400000002");

        timers.advance(Duration.ofMinutes(10)); // the ban lifts by itself
        admit(inviteFrom("alice", "+447400123456", "a2").build(), CLIENT);
        timers.runDue();
        assertThat(sender.requests("INVITE")).anySatisfy(r ->
                assertThat(r.getFrom().getAddress().getURI().toString()).contains("+447400000001"));
        assertThat(registry.get("sip.throttled").tag("reason", "account_banned").counter().count()).isEqualTo(1);
        assertThat(registry.get("sip.bans").tag("scope", "account").counter().count()).isEqualTo(1);
        assertThat(registry.find("sip.bans").tag("scope", "source").counter()).isNull();
    }

    @Test
    void whoeverKeepsAtABannedAccountIsBannedTooAndThenGetsNoAnswer() {
        Endpoint guesser = Endpoint.of("198.51.100.7", 5070, TransportType.UDP);
        String challenge = DigestTestClient.challenge(authenticator);
        for (int i = 1; i <= 31; i++) { // 6 checked and the account banned; 25 more refused unchecked
            admit(unauthenticatedInvite("alice", "+447400123456", "k" + i).header("Proxy-Authorization",
                    DigestTestClient.authorization(challenge, "alice", "guess" + i, "INVITE",
                            "sip:+447400123456@127.0.0.1:5060", i, "k")).build(), guesser);
        }
        assertThat(sender.statuses()).hasSize(31).containsOnly(403);
        admit(unauthenticatedInvite("alice", "+447400123456", "k32").build(), guesser);
        assertThat(sender.statuses()).hasSize(31);
        assertThat(registry.get("sip.bans").tag("scope", "source").counter().count()).isEqualTo(1);
    }

    @Test
    void anAddressFailingTooOftenGetsNoAnswerNotEvenA100ButItsCallUpCanStillHangUp() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "up1");
        admit(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        admit(clientAck(invite, ok), CLIENT);
        // From the same address, 31 failed authentications within a minute, each for another user.
        Endpoint guesser = Endpoint.of("127.0.0.1", 40000, TransportType.UDP);
        String challenge = DigestTestClient.challenge(authenticator);
        for (int i = 0; i <= 30; i++) {
            admit(unauthenticatedInvite("u" + i, "+447400123456", "s" + i).header("Proxy-Authorization",
                    DigestTestClient.authorization(challenge, "u" + i, "guess", "INVITE",
                            "sip:+447400123456@127.0.0.1:5060", 1, "s")).build(), guesser);
        }
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(403);

        int sent = sender.sent.size();
        admit(unauthenticatedInvite("bob", "+447400123456", "n1").build(), CLIENT);
        admit(request("OPTIONS", "sip:gw@127.0.0.1:5060").via(TransportType.UDP, "127.0.0.1:5070", "z9hG4bKo1")
                .callId("o1").build(), CLIENT);
        assertThat(sender.sent).hasSize(sent); // dropped: no 100 Trying, no 407, nothing
        // alice's call, up from the banned address, ends as it should: BYE passes, both legs end.
        admit(clientBye(invite, ok), CLIENT);
        assertThat(sender.requests("BYE")).hasSize(1);
        assertThat(b2bua.activeCalls()).isZero();

        timers.advance(Duration.ofMinutes(10));
        sent = sender.sent.size();
        admit(unauthenticatedInvite("bob", "+447400123456", "n2").build(), CLIENT);
        assertThat(sender.sent.subList(sent, sender.sent.size())).extracting(RecordingSipSender.Sent::status)
                .containsExactly(407);
        assertThat(registry.get("sip.throttled").tag("reason", "source_banned").counter().count()).isEqualTo(2);
        assertThat(registry.get("sip.bans").tag("scope", "source").counter().count()).isEqualTo(1);
    }

    /**
     * A journal whose fsync the test controls (issue 14): appends are numbered, a wait outside a deferred step
     * returns at once, a deferred step's acknowledgement waits for {@link #durable}, and once {@link #failed} every
     * append is refused, as a failed file journal refuses them.
     */
    private static final class HeldJournal implements Journal {
        final CompletableFuture<Void> durable = new CompletableFuture<>();
        boolean failed;
        long seq;

        @Override
        public long append(dev.softswitch.charging.event.JournalEvent event) {
            if (failed) {
                throw new JournalUnavailableException("journal failed", null);
            }
            return ++seq;
        }

        @Override
        public void awaitDurable(long s) {
            if (!DeferredDurability.owe(this, s) && failed) {
                throw new JournalUnavailableException("journal failed", null);
            }
        }

        @Override
        public CompletableFuture<Void> whenDurable(long s) {
            return durable;
        }

        @Override
        public boolean available() {
            return !failed;
        }

        @Override
        public void close() {
        }
    }

    private HeldJournal heldJournalFor(String account) {
        HeldJournal journal = new HeldJournal();
        JournalledAccountStore store = new JournalledAccountStore(journal, java.time.Clock.systemUTC());
        store.create(account, usd("10.00"));
        b2bua = handler(new ChargingEngine(store, RateTable.of(List.of(new Rate("44", "UK", usd("0.06"), usd("0"), 60,
                60)))), routing("[\"44\"]"), overload);
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);
        return journal;
    }

    @Test
    void theCarrierIsCalledOnlyOnceTheAuthorisationIsDurable() {
        HeldJournal journal = heldJournalFor("alice");
        transactions.onRequest(clientInvite("alice", "+441234567890", "held"), CLIENT);
        timers.runDue();
        assertThat(sender.requests("INVITE")).as("the reservation is journalled, not yet durable").isEmpty();
        assertThat(journal.seq).isPositive();
        journal.durable.complete(null);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+441234567890@");
    }

    @Test
    void aJournalThatFailsBeforeTheAuthorisationIsDurableRefusesTheCall() {
        HeldJournal journal = heldJournalFor("alice");
        transactions.onRequest(clientInvite("alice", "+441234567890", "lost"), CLIENT);
        timers.runDue();
        journal.failed = true;
        journal.durable.completeExceptionally(new JournalUnavailableException("fsync failed", null));
        timers.runDue();
        assertThat(sender.requests("INVITE")).as("never acknowledged: the carrier is not called").isEmpty();
        assertThat(sender.statuses()).containsExactly(100, 503);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Charging Unavailable");
    }

    @Test
    void aRingingCallsReservationIsKeptAliveUntilItIsAnswered() throws Exception {
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.Instant instant() {
                return timers.now();
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        JournalledAccountStore store = new JournalledAccountStore(new dev.softswitch.charging.journal.NoJournal(), clock);
        store.create("alice", usd("10.00"));
        b2bua = handler(new ChargingEngine(store, dev.softswitch.charging.tariff.RateSchedule.of(RateTable.of(List.of(
                new Rate("44", "UK", usd("0.06"), usd("0"), 60, 60)))), clock, ChargingEngine.DEFAULT_RESERVATION_TTL),
                routing("[\"44\"]", "routing: { ringTimeout: 10m }"), overload);
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);
        SIPRequest invite = clientInvite("alice", "+441234567890", "ringing");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);
        for (int minute = 0; minute < 5; minute++) {
            timers.advance(Duration.ofMinutes(1));
            assertThat(store.housekeeping().expire(timers.now())).as("minute %d", minute).isZero();
        }
        assertThat(store.reserved("alice")).isEqualTo(usd("0.06"));
    }

    @Test
    void aCallWhoseLapsedReservationCannotBeHeldAgainAtAnswerIsEndedOnBothLegs() throws Exception {
        SIPRequest invite = clientInvite("bob", "+447400123456", "lapsed");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        // it rings past its reservation's TTL; the money goes to another call meanwhile
        accounts.housekeeping().expire(java.time.Instant.now().plus(Duration.ofDays(1)));
        assertThat(accounts.manualReservations().reserve("bob", usd("0.06"))).isTrue();
        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);
        timers.runDue();
        assertThat(sender.requests("BYE")).extracting(b -> b.getCallId().getCallId())
                .containsExactlyInAnyOrder("lapsed", carrierInvite.getCallId().getCallId());
        JsonNode record = onlyRecord();
        assertThat(record.get("disconnectCause").asText()).isEqualTo("charging_refused_insufficient_credit");
        assertThat(record.get("amount").isNull() || record.get("amount").get("micros").asLong() == 0).isTrue();
        assertThat(accounts.reserved("bob")).as("only the other hold").isEqualTo(usd("0.06"));
    }

    @Test
    void theBuyCostIsTheTrunksRateInItsCurrencyForTheCarriersConnectedSeconds() throws Exception {
        Files.writeString(dir.resolve("buy.csv"), "prefix,rate\n44,0.012\n");
        b2bua = handler(new ChargingEngine(accounts, RateTable.of(List.of(
                new Rate("44", "UK", usd("0.06"), usd("0"), 60, 60)))),
                routing("[\"44\"], rates: buy.csv, currency: EUR"), overload);
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);
        SIPRequest invite = clientInvite("alice", "+441234567890", "buy");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);
        timers.advance(Duration.ofMillis(25_500));
        transactions.onRequest(clientBye(invite, ok), CLIENT);
        timers.runDue();
        JsonNode record = onlyRecord();
        assertThat(record.get("billedSeconds").asLong()).as("the customer pays a minute").isEqualTo(60);
        assertThat(record.get("buyRatePerMinute").toString()).contains("EUR");
        // the carrier bills 26 s by the second: 0.012 EUR x 26 / 60 = 0.0052 EUR
        assertThat(record.get("buyCost").get("micros").asLong()).isEqualTo(5_200);
        assertThat(record.get("buyCost").get("currency").asText()).isEqualTo("EUR");
    }

    @Test
    void creditRunsOutAtTheEndOfTheLastPaidIncrementAndBothLegsGetBye() throws Exception {
        SIPRequest invite = clientInvite("bob", "+447400123456", "c1");
        transactions.onRequest(invite, CLIENT);
        assertThat(sender.statuses()).containsExactly(100);

        SIPRequest carrierInvite = onlyRequest("INVITE");
        assertThat(carrierInvite.getRequestURI().toString()).isEqualTo("sip:+447400123456@127.0.0.1:5080");
        assertThat(carrierInvite.getCallId().getCallId()).isNotEqualTo("c1");
        assertThat(new String(carrierInvite.getRawContent(), StandardCharsets.US_ASCII))
                .doesNotContain("10.0.0.7").contains("c=IN IP4 127.0.0.1");

        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(ok.getToTag()).isNotNull();
        assertThat(SdpRewriter.parse(ok.getRawContent()).audioRtp().getPort())
                .isBetween(41000, 41999).isNotEqualTo(40000);
        assertThat(sender.requests("ACK")).hasSize(1);
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        // 0.06 USD pays three 2-second increments: the call must end at exactly 6 s.
        timers.advance(Duration.ofMillis(5999));
        assertThat(sender.requests("BYE")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        List<SIPRequest> byes = sender.requests("BYE");
        assertThat(byes).hasSize(2);
        assertThat(byes).extracting(b -> b.getCallId().getCallId())
                .containsExactlyInAnyOrder("c1", carrierInvite.getCallId().getCallId());

        assertThat(accounts.balance("bob")).contains(usd("0"));
        assertThat(accounts.available("bob")).isEqualTo(usd("0"));
        JsonNode record = onlyRecord();
        assertThat(record.get("disconnectCause").asText()).isEqualTo("credit_exhausted");
        assertThat(record.get("hungUpBy").asText()).isEqualTo("gateway");
        assertThat(record.get("billedSeconds").asLong()).isEqualTo(6);
        assertThat(record.get("amount").get("micros").asLong()).isEqualTo(60_000);
        assertNoPortsInUse();
    }

    @Test
    void theCarrierLegLearnsTheTrunksAddressWhenTheCallIsPlacedBeforeAnySdpFromTheCarrier() throws Exception {
        transactions.onRequest(clientInvite("alice", "+447400123456", "c-trunk"), CLIENT);

        onlyRequest("INVITE");

        assertThat(relay.only().carrierSources).containsExactly(InetAddress.getByName("127.0.0.1"));
        // The client's media may come from where its SIP came from (NAT), besides its signalled address.
        assertThat(relay.only().clientSources).containsExactly(CLIENT.address().getAddress());
        assertThat(relay.only().carrierRemote).isNull();
    }

    @Test
    void callerByeEndsBothLegsAndChargesEveryStartedIncrementOnce() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c2");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        timers.advance(Duration.ofMillis(4001)); // three started 2-second increments
        transactions.onRequest(clientBye(invite, ok), CLIENT);
        transactions.onRequest(clientBye(invite, ok), CLIENT); // retransmission: absorbed

        assertThat(sender.requests("BYE")).hasSize(1);
        assertThat(sender.requests("BYE").get(0).getCallId().getCallId()).isEqualTo(carrierInvite.getCallId().getCallId());
        assertThat(accounts.balance("alice")).contains(usd("9.94"));
        assertThat(accounts.available("alice")).isEqualTo(usd("9.94"));
        assertThat(onlyRecord().get("hungUpBy").asText()).isEqualTo("caller");
        assertNoPortsInUse();
    }

    @Test
    void insufficientCreditIsRefusedWith402BeforeRouting() throws Exception {
        transactions.onRequest(clientInvite("carol", "+447400123456", "c3"), CLIENT);
        timers.runDue(); // charging answers, then the SIP core refuses
        assertThat(sender.statuses()).containsExactly(100, 402);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Insufficient Credit");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertNoPortsInUse();
        assertThat(onlyRecord().get("sipCode").asInt()).isEqualTo(402);
    }

    @Test
    void numberNoTrunkServesIsRefusedWith404AndTheReservationIsReturned() throws Exception {
        accounts.create("dave", usd("1.00"));
        // The number has a rate (so authorisation reserves credit) but no trunk serves it.
        B2buaHandler noRoutes = handler(
                new ChargingEngine(accounts, RateTable.of(List.of(new Rate("44", "UK", usd("0.06"), usd("0"), 60, 60)))),
                routing("[\"81\"]"), new OverloadGuard(Duration.ofMillis(100)));
        TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), noRoutes);
        noRoutes.bind(layer);
        layer.onRequest(clientInvite("dave", "+442071838750", "c4"), CLIENT);
        assertThat(sender.statuses()).containsExactly(404);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("No Route To United Kingdom");
        assertThat(accounts.available("dave")).isEqualTo(usd("1.00"));
    }

    @Test
    void cancelBeforeAnswerCancelsTheCarrierLegAndAnswers487() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c5");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);
        assertThat(sender.statuses()).containsExactly(100, 180);

        transactions.onRequest(cancelOf(invite), CLIENT);
        assertThat(sender.statuses()).containsExactly(100, 180, 200, 487);
        assertThat(sender.requests("CANCEL")).hasSize(1);
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertNoPortsInUse();
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("cancelled");
    }

    @Test
    void theServiceEndingStopsARingingCallWithItsAnswerAndCancelsTheCarrier() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c5e");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);

        b2bua.hangUpAll("service_ended", 403, "This calling service has ended");

        assertThat(sender.statuses()).containsExactly(100, 180, 403);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("This calling service has ended");
        assertThat(sender.requests("CANCEL")).hasSize(1);
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertNoPortsInUse();
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("service_ended");
        assertThat(b2bua.activeCalls()).isZero();
    }

    @Test
    void anOperatorEndsARingingCallItSeesAmongTheLiveCalls() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c5o");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);

        assertThat(b2bua.liveCalls()).singleElement().satisfies(c -> {
            assertThat(c.callId()).isEqualTo("c5o");
            assertThat(c.account()).isEqualTo("alice");
            assertThat(c.state()).isEqualTo("EARLY");
            assertThat(c.answeredAt()).isNull();
        });
        assertThat(b2bua.hangUp("no-such-call", "operator")).isFalse();
        assertThat(b2bua.hangUp("c5o", "operator")).isTrue();

        assertThat(sender.statuses()).containsExactly(100, 180, 480);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Call Ended By The Operator");
        assertThat(sender.requests("CANCEL")).hasSize(1);
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("operator");
        assertThat(b2bua.liveCalls()).isEmpty();
    }

    @Test
    void aClientOfferingRtcpMuxGetsItFromTheRelayAndTheCarrierIsNotToldOfIt() throws Exception {
        SIPRequest invite = inviteFrom("alice", "+447400123456", "mux1").sdp(MUX_OFFER).build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        assertThat(relay.only().rtcpMux).isTrue(); // one socket for the client leg
        assertThat(body(carrierInvite)).doesNotContain("rtcp-mux").contains("a=rtcp:41003\r\n");
        // the carrier answers with mux of its own: the relay keeps RTCP on its own port toward it
        transactions.onResponse(carrierResponse(carrierInvite, 200, carrierMuxAnswer(40000)), CARRIER);
        String answer = body(sender.lastResponse());
        assertThat(answer).contains("m=audio 41000 ", "a=rtcp-mux\r\n");
        assertThat(answer.indexOf("rtcp-mux")).isEqualTo(answer.lastIndexOf("rtcp-mux"));

        // without mux in the offer, a carrier's a=rtcp-mux does not reach the client
        SIPRequest plain = clientInvite("alice", "+447400123456", "mux2");
        transactions.onRequest(plain, CLIENT);
        timers.runDue();
        assertThat(relay.inUse()).isEqualTo(2);
        SIPRequest second = sender.requests("INVITE").get(1);
        transactions.onResponse(carrierResponse(second, 200, carrierMuxAnswer(40002)), CARRIER);
        assertThat(body(sender.lastResponse())).contains("m=audio 41004 ").doesNotContain("rtcp-mux");
    }

    @Test
    void reinvitesOfAMuxedClientKeepRtcpMuxTowardItAndNeverTowardTheCarrier() throws Exception {
        SIPRequest invite = inviteFrom("alice", "+447400123456", "mux3").sdp(MUX_OFFER).build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        assertThat(body(ok)).contains("a=rtcp-mux\r\n");
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        // a re-INVITE with the client's offer (mux again): the answer back says it, the carrier's copy does not
        transactions.onRequest(clientReinvite(invite, ok, MUX_OFFER.replace("o=client 1 1", "o=client 1 2")), CLIENT);
        SIPRequest relayed = sender.requests("INVITE").get(1);
        assertThat(body(relayed)).doesNotContain("rtcp-mux");
        transactions.onResponse(carrierResponse(relayed, 200, CARRIER_SDP), CARRIER);
        assertThat(body(sender.lastResponse())).contains("a=rtcp-mux\r\n");

        // a re-INVITE without SDP: the carrier's answer is the offer to the client, and keeps mux (RFC 8858 5.4)
        SIPRequest bodiless = inDialog(invite, ok, "INVITE", 3, "reinv2").contact("<sip:client@127.0.0.1:5070>")
                .sdp(null).build();
        transactions.onRequest(bodiless, CLIENT);
        SIPRequest relayedAgain = sender.requests("INVITE").get(2);
        transactions.onResponse(carrierResponse(relayedAgain, 200, CARRIER_SDP), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(body(sender.lastResponse())).contains("a=rtcp-mux\r\n");
    }

    /** A carrier's answer that itself asks for rtcp-mux, audio on {@code port}. */
    private static String carrierMuxAnswer(int port) {
        return """
                v=0\r
                o=carrier 1 1 IN IP4 127.0.0.1\r
                s=-\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio %d RTP/AVP 0\r
                a=rtpmap:0 PCMU/8000\r
                a=rtcp-mux\r
                """.formatted(port);
    }

    private static final String MUX_OFFER = """
            v=0\r
            o=client 1 1 IN IP4 10.0.0.7\r
            s=-\r
            c=IN IP4 10.0.0.7\r
            t=0 0\r
            m=audio 6000 RTP/AVP 0 101\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=rtcp:6000\r
            a=rtcp-mux\r
            """;

    private static final String CARRIER_SDP = """
            v=0\r
            o=carrier 1 2 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            """;

    @Test
    void carrierBusyReachesTheClientWithItsCode() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c6");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 486, null), CARRIER);
        assertThat(sender.statuses()).containsExactly(100, 486);
        assertThat(sender.requests("ACK")).hasSize(1); // hop-by-hop ACK toward the carrier
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertNoPortsInUse();
    }

    @Test
    void whileTheCoreLagsNewCallsGet503WithRetryAfterInsteadOfAChallengeAndNothingIsReserved() throws Exception {
        standingQueue();
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "c10").build(), CLIENT);
        assertThat(sender.statuses()).containsExactly(503);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Overloaded");
        assertThat(sender.lastResponse().getHeader("Retry-After").toString()).contains("Retry-After: 5");
        assertThat(sender.lastResponse().getHeader("Proxy-Authenticate")).isNull(); // no challenge issued
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(registry.get("sip.overload.shedding").gauge().value()).isEqualTo(1.0);

        overload.observe(timers.now(), timers.now()); // the backlog is gone
        assertThat(registry.get("sip.overload.shedding").gauge().value()).isZero();
        transactions.onRequest(clientInvite("alice", "+447400123456", "c11"), CLIENT);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+447400123456@");
        assertThat(overload.rejected()).isEqualTo(1);
    }

    @Test
    void whileTheCoreLagsACallAnsweringAFreshChallengeGoesOnAndOneWithANonceNotOursIsShed() throws Exception {
        standingQueue();
        // its first INVITE already cost a 407 and a round trip: refusing it now would throw that away
        transactions.onRequest(clientInvite("alice", "+447400123456", "c12"), CLIENT);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+447400123456@");
        assertThat(registry.get("sip.overload.challenged.admitted").functionCounter().count()).isEqualTo(1.0);

        // credentials whose nonce we never signed cost nothing yet: shed, as a call without credentials
        String forged = credentialsFor("alice", "INVITE", "sip:+447400123456@127.0.0.1:5060")
                .replaceFirst("nonce=\"[^\"]*\"", "nonce=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"");
        transactions.onRequest(unauthenticatedInvite("alice", "+447400123456", "c13")
                .header("Proxy-Authorization", forged).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(503);
        assertThat(sender.requests("INVITE")).hasSize(1);
        assertThat(overload.rejected()).isEqualTo(1);
    }

    /** Every message handled for 200 ms waited 250 ms for the core: a standing queue. */
    private void standingQueue() {
        overload.observe(timers.now().minusMillis(450), timers.now().minusMillis(200));
        overload.observe(timers.now().minusMillis(250), timers.now());
        assertThat(overload.overloaded()).isTrue();
    }

    @Test
    void aBurstTheCoreDrainsAtOnceShedsNothing() throws Exception {
        // a 300 ms pause (GC, JIT): the messages queued behind it wait long, but the core is through them
        // within the interval and the next one waits no more than the limit
        overload.observe(timers.now().minusMillis(400), timers.now().minusMillis(100));
        overload.observe(timers.now().minusMillis(350), timers.now().minusMillis(50));
        overload.observe(timers.now().minusMillis(150), timers.now());
        transactions.onRequest(clientInvite("alice", "+447400123456", "c13"), CLIENT);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).startsWith("sip:+447400123456@");
        overload.observe(timers.now().minusMillis(20), timers.now());
        assertThat(overload.rejected()).isZero();
    }

    @Test
    void anOfferWithoutAudioGets488BeforeAnyRoutingOrCharging() throws Exception {
        String noAudio = "v=0\r\no=- 1 1 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\n"
                + "m=video 6000 RTP/AVP 96\r\n";
        transactions.onRequest(inviteFrom("carol", "+447400123456", "c12").sdp(noAudio).build(), CLIENT);

        // carol has no credit: had charging run first she would get 402, not the SDP's answer.
        assertThat(sender.statuses()).containsExactly(488);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Not Acceptable Here: SDP has no audio stream");
        assertThat(sender.requests("INVITE")).isEmpty();
    }

    @Test
    void anInviteRequiringAnExtensionGets420NamingIt() throws Exception {
        transactions.onRequest(inviteFrom("alice", "+447400123456", "c13").header("Require", "100rel").build(), CLIENT);
        assertThat(sender.statuses()).containsExactly(420);
        assertThat(sender.lastResponse().encode()).contains("Unsupported: 100rel");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
    }

    @Test
    void optionsIsAnsweredWithAllowAndAKnownButUnservedMethodGets405() throws Exception {
        transactions.onRequest(clientRequest("OPTIONS", "sip:gw@127.0.0.1:5060", "opt1", "opt1")
                .from("<sip:alice@127.0.0.1>", "a").to("<sip:gw@127.0.0.1>").cseq(1).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(sender.lastResponse().encode()).contains("Allow: INVITE,ACK,CANCEL,BYE,OPTIONS,INFO,UPDATE,REGISTER");
        transactions.onRequest(clientRequest("SUBSCRIBE", "sip:127.0.0.1:5060", "sub1", "sub1")
                .from("<sip:alice@127.0.0.1>", "a").to("<sip:alice@127.0.0.1>").cseq(1)
                .contact("<sip:alice@127.0.0.1:5070>").build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(405);
        assertThat(sender.lastResponse().encode()).contains("Allow: INVITE");
    }

    @Test
    void registerIsChallengedWith401AndThenBindsTheAccountsContactUntilItExpires() {
        transactions.onRequest(register("reg1", 1, null, 600), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(401);
        assertThat(headerValues(sender.lastResponse(), "WWW-Authenticate")).hasSize(2)
                .first().asString().contains("algorithm=SHA-256");

        String challenge = headerValues(sender.lastResponse(), "WWW-Authenticate").get(0);
        transactions.onRequest(register("reg2", 2, DigestTestClient.authorization(challenge, "alice", "alice-demo",
                "REGISTER", "sip:127.0.0.1:5060", 1, "r"), 600), CLIENT);
        SIPResponse ok = sender.lastResponse();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(headerValues(ok, "Contact")).singleElement().asString()
                .contains("sip:alice@127.0.0.1:5070").contains("expires=600");
        assertThat(registry.get("sip.registrations").gauge().value()).isEqualTo(1.0);

        // Too brief: 423 with Min-Expires (RFC 3261 §10.3 step 7).
        transactions.onRequest(register("reg3", 3, DigestTestClient.authorization(challenge, "alice", "alice-demo",
                "REGISTER", "sip:127.0.0.1:5060", 2, "r"), 30), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(423);
        assertThat(sender.lastResponse().encode()).contains("Min-Expires: 60");

        timers.advance(Duration.ofSeconds(601));
        assertThat(registry.get("sip.registrations").gauge().value()).isZero();
    }

    @Test
    void registerWithAWrongPasswordBindsNothing() {
        String challenge = DigestTestClient.challenge(authenticator);
        transactions.onRequest(register("reg4", 1, DigestTestClient.authorization(challenge, "alice", "guess",
                "REGISTER", "sip:127.0.0.1:5060", 1, "r"), 600), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(403);
        assertThat(registry.get("sip.registrations").gauge().value()).isZero();
    }

    private static SIPRequest register(String callId, int cseq, String credentials, int expires) {
        RequestBuilder b = clientRequest("REGISTER", "sip:127.0.0.1:5060", "reg", callId)
                .from("<sip:alice@127.0.0.1>", "a").to("<sip:alice@127.0.0.1>").cseq(cseq)
                .contact("<sip:alice@127.0.0.1:5070>").header("Expires", Integer.toString(expires));
        if (credentials != null) {
            b.header("Authorization", credentials);
        }
        return b.build();
    }

    @Test
    void unknownMethodGets501AndOutOfDialogByeGets481() throws Exception {
        transactions.onRequest(clientRequest("FOO", "sip:gw@127.0.0.1:5060", "foo1", "foo1")
                .from("<sip:alice@127.0.0.1>", "a").to("<sip:gw@127.0.0.1>").cseq(1).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(501);
        assertThat(sender.lastResponse().getReasonPhrase()).contains("FOO");
        transactions.onRequest(clientRequest("BYE", "sip:gw@127.0.0.1:5060", "nosuch", "bye1")
                .from("<sip:alice@127.0.0.1>", "a").to("<sip:gw@127.0.0.1>", "nosuch").cseq(2).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(481);
    }

    // ---- sources (issue 10): who may speak in a dialog, and who may call ------------------------

    @Test
    void aSpoofedByeFromAnotherPortOrHostGetsTheUnknownDialogAnswerAndTheCallGoesOn() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c20");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        transactions.onRequest(inDialog(invite, ok, "BYE", 2, "spoof1").build(), STRANGER_PORT);
        SIPResponse refused = sender.lastResponse();
        transactions.onRequest(inDialog(invite, ok, "BYE", 2, "spoof2").build(), STRANGER_HOST);
        transactions.onRequest(inDialog(invite, ok, "BYE", 2, "nosuch").to(invite.getTo().getAddress().toString(),
                "no-such-tag").build(), CLIENT);
        SIPResponse unknown = sender.lastResponse();

        // RFC 3261 §12.2.2: the answer to a dialog that does not exist; the stranger cannot tell the difference.
        assertThat(sender.statuses()).endsWith(481, 481, 481);
        assertThat(refused.getReasonPhrase()).isEqualTo(unknown.getReasonPhrase());
        assertThat(sender.requests("BYE")).isEmpty();
        assertThat(b2bua.activeCalls()).isEqualTo(1);
        assertThat(relay.inUse()).isEqualTo(1);
        assertThat(refusals("not_dialog_peer")).isEqualTo(2.0);

        transactions.onRequest(clientBye(invite, ok), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(sender.requests("BYE")).hasSize(1);
        assertThat(onlyRecord().get("hungUpBy").asText()).isEqualTo("caller");
        assertNoPortsInUse();
    }

    @Test
    void aByeOnTheCarrierLegFromAnAddressNotTheTrunksIsRefusedAndTheTrunksEndsTheCall() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c21");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        answer(carrierInvite);
        transactions.onRequest(clientAck(invite, sender.lastResponse()), CLIENT);

        transactions.onRequest(carrierBye(carrierInvite, "spoof"), CLIENT); // the client is no trunk
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(481);
        assertThat(sender.requests("BYE")).isEmpty();
        assertThat(b2bua.activeCalls()).isEqualTo(1);

        transactions.onRequest(carrierBye(carrierInvite, "real"), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(sender.requests("BYE")).extracting(b -> b.getCallId().getCallId()).containsExactly("c21");
        assertThat(onlyRecord().get("hungUpBy").asText()).isEqualTo("callee");
    }

    @Test
    void aReinviteFromAStrangerIsRefusedAndNothingReachesTheCarrierOrTheRelay() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c22");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        String hijack = "v=0\r\no=x 1 2 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n"
                + "m=audio 7000 RTP/AVP 0\r\na=sendonly\r\n";
        transactions.onRequest(clientReinvite(invite, ok, hijack), STRANGER_HOST);

        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(481);
        assertThat(sender.requests("INVITE")).hasSize(1);
        assertThat(relay.only().onHold).isFalse();
        assertThat(b2bua.activeCalls()).isEqualTo(1);
    }

    @Test
    void anAckFromAStrangerDoesNotStopTheRetransmissionsOfThe200() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c26");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();

        transactions.onRequest(inDialog(invite, ok, "ACK", 1, "spoofack").build(), STRANGER_HOST);
        long oks = sender.statuses().stream().filter(s -> s == 200).count();
        timers.advance(TimerSettings.rfc3261().t1()); // RFC 3261 §13.3.1.4: still unacknowledged
        assertThat(sender.statuses().stream().filter(s -> s == 200).count()).isEqualTo(oks + 1);

        transactions.onRequest(clientAck(invite, ok), CLIENT);
        timers.advance(Duration.ofSeconds(4));
        assertThat(sender.statuses().stream().filter(s -> s == 200).count()).isEqualTo(oks + 1);
    }

    @Test
    void aCancelFromAnotherSourceThanTheInvitesIsRefusedAndTheCallKeepsRinging() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c23");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);

        transactions.onRequest(cancelOf(invite), STRANGER_PORT);
        assertThat(sender.statuses()).containsExactly(100, 180, 481);
        assertThat(sender.requests("CANCEL")).isEmpty();
        assertThat(b2bua.activeCalls()).isEqualTo(1);

        // The stranger's CANCEL carried the same branch and sent-by; the client's own is no retransmission of it.
        transactions.onRequest(cancelOf(invite), CLIENT);
        assertThat(sender.statuses()).containsExactly(100, 180, 481, 200, 487);
        assertThat(sender.requests("CANCEL")).hasSize(1);
    }

    @Test
    void anInviteFromATrunksAddressIsRefusedUnlessTheTrunkTakesInboundCalls() throws Exception {
        transactions.onRequest(clientInvite("alice", "+447400123456", "c24"), CARRIER);
        timers.runDue();
        assertThat(sender.statuses()).containsExactly(403);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Inbound Calls Not Accepted From Trunks");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(refusals("trunk_invite")).isEqualTo(1.0);

        // With inbound: true the gateway has no inbound routing yet: the INVITE is a call like any other.
        B2buaHandler inbound = handler(new ChargingEngine(accounts, RateTable.of(List.of(
                new Rate("447", "UK mobile", usd("0.60"), usd("0"), 2, 2)))),
                routing("[\"44\"], inbound: true"), new OverloadGuard(Duration.ofMillis(100)));
        TransactionLayer layer = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), inbound);
        inbound.bind(layer);
        layer.onRequest(clientInvite("alice", "+447400123456", "c25"), CARRIER);
        assertThat(onlyRequest("INVITE").getRequestURI().toString()).isEqualTo("sip:+447400123456@127.0.0.1:5080");
    }

    @Test
    void srtpClientLegBecomesPlainRtpTowardTheCarrierAndTheClientGetsTheRelaysOwnKey() throws Exception {
        transactions.onRequest(baresipSrtpInvite(), TLS_CLIENT);

        String offer = body(onlyRequest("INVITE"));
        assertThat(offer).contains("RTP/AVP 0 8 101").doesNotContain("a=crypto").doesNotContain("SAVP");
        answer(onlyRequest("INVITE"));
        String toClient = body(sender.lastResponse());
        assertThat(toClient).contains("m=audio ").contains("RTP/SAVP 0")
                .contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:")
                .doesNotContain("IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr");
        // The relay decrypts with the client's key and encrypts toward it with its own.
        assertThat(relay.only().clientKey).isNotNull();
        assertThat(relay.only().relayKey).isNotNull().isNotEqualTo(relay.only().clientKey);
    }

    @Test
    void sdesKeysOverUdpGet488BeforeAnyRoutingOrCharging() throws Exception {
        transactions.onRequest(baresipSrtpInvite(), CLIENT);

        // RFC 4568 §8.1: the keys travelled in clear text; the call is refused, nothing is charged or sent on.
        assertThat(sender.statuses()).containsExactly(488);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Not Acceptable Here: SDES keys need TLS");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(relay.inUse()).isZero();
    }

    @Test
    void sdesKeysOverUdpAreTakenWhenTheConfigurationAllowsThem() throws Exception {
        b2bua = handler(new ChargingEngine(accounts, RateTable.of(List.of(
                new Rate("447", "UK mobile", usd("0.60"), usd("0"), 2, 2)))), routing("[\"44\"]"), overload, true);
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);

        transactions.onRequest(baresipSrtpInvite(), CLIENT);

        assertThat(body(onlyRequest("INVITE"))).doesNotContain("a=crypto");
        assertThat(relay.only().clientKey).isNotNull();
    }

    /** baresip's SRTP INVITE as captured, with alice's credentials. */
    private SIPRequest baresipSrtpInvite() throws Exception {
        SIPRequest invite;
        try (var in = getClass().getResourceAsStream("/fixtures/sip/baresip-1.0.0-invite-srtp-sdes.sip")) {
            invite = (SIPRequest) SipMessageFixtures.parse(in.readAllBytes());
        }
        invite.addHeader(DialogLeg.HEADERS.createHeader("Proxy-Authorization",
                credentialsFor("alice", "INVITE", invite.getRequestURI().toString())));
        return invite;
    }

    @Test
    void holdReinviteFromTheClientIsRelayedToTheCarrierAndItsAnswerBack() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c7");
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        answer(carrierInvite);
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        transactions.onRequest(clientReinvite(invite, ok, """
                v=0\r
                o=client 1 2 IN IP4 10.0.0.7\r
                s=-\r
                c=IN IP4 10.0.0.7\r
                t=0 0\r
                m=audio 6000 RTP/AVP 0 101\r
                a=rtpmap:0 PCMU/8000\r
                a=sendonly\r
                """), CLIENT);
        List<SIPRequest> invites = sender.requests("INVITE");
        assertThat(invites).hasSize(2);
        SIPRequest relayed = invites.get(1);
        assertThat(relayed.getCallId().getCallId()).isEqualTo(carrierInvite.getCallId().getCallId());
        assertThat(relayed.getToTag()).isEqualTo("carrier-tag");
        assertThat(body(relayed)).contains("a=sendonly").doesNotContain("10.0.0.7");

        transactions.onResponse(carrierResponse(relayed, 200, """
                v=0\r
                o=carrier 1 2 IN IP4 127.0.0.1\r
                s=-\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio 40000 RTP/AVP 0\r
                a=recvonly\r
                """), CARRIER);
        SIPResponse held = sender.lastResponse();
        assertThat(held.getStatusCode()).isEqualTo(200);
        assertThat(held.getCSeq().getSeqNumber()).isEqualTo(2);
        assertThat(body(held)).contains("a=recvonly").doesNotContain("m=audio 40000");
        assertThat(sender.requests("ACK")).hasSize(2);
        assertThat(sender.requests("BYE")).isEmpty();

        // The accepted hold reached the relay: 30 s of silence no longer ends the call (MED-5).
        assertThat(relay.only().onHold).isTrue();
        timers.advance(FakeRelayPorts.TIMEOUT.plusSeconds(1));
        assertThat(sender.requests("BYE")).isEmpty();
    }

    @Test
    void anUnexpectedFailureEndsTheCallWith500AndReleasesWhatItHeld() throws Exception {
        relay.breakWith(new IllegalStateException("bug"));
        transactions.onRequest(clientInvite("alice", "+447400123456", "c15"), CLIENT);
        timers.runDue();
        assertThat(sender.statuses()).containsExactly(100, 500);
        assertThat(b2bua.activeCalls()).isZero();
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("internal_error");
    }

    @Test
    void anOfferWithAPortOutOfRangeGets488AndLeavesNoCallBehind() throws Exception {
        String badPort = "v=0\r\no=- 1 1 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\n"
                + "m=audio 99999 RTP/AVP 0\r\n";
        transactions.onRequest(inviteFrom("alice", "+447400123456", "c16").sdp(badPort).build(), CLIENT);
        timers.runDue();
        assertThat(sender.statuses()).containsExactly(488);
        assertThat(sender.lastResponse().getReasonPhrase()).contains("out of range");
        assertThat(b2bua.activeCalls()).isZero();
    }

    @Test
    void noRelayPortsGets503AndTheReservationIsReturned() throws Exception {
        relay.exhaust();
        transactions.onRequest(clientInvite("alice", "+447400123456", "c14"), CLIENT);
        timers.runDue();
        assertThat(sender.statuses()).containsExactly(100, 503);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("No Media Ports Available");
        assertThat(sender.lastResponse().getHeader("Retry-After")).as("capacity, for now: come back later")
                .hasToString("Retry-After: 5\r\n");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertThat(accounts.available("alice")).isEqualTo(usd("10.00"));
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("no_media_ports");
        assertThat(b2bua.activeCalls()).isZero();
    }

    @Test
    void holdRejectedByTheCarrierLeavesTheSessionAsItWas() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c9");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        transactions.onRequest(clientReinvite(invite, ok, """
                v=0\r
                o=client 1 2 IN IP4 10.0.0.7\r
                s=-\r
                c=IN IP4 10.0.0.7\r
                t=0 0\r
                m=audio 6000 RTP/AVP 0\r
                a=sendonly\r
                """), CLIENT);
        SIPRequest relayed = sender.requests("INVITE").get(1);
        transactions.onResponse(carrierResponse(relayed, 488, null), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(488);

        // Had the rejected hold taken effect, the 2-hour hold timeout would apply; the call is not
        // on hold, so 30 s without media still ends it (RFC 3261 §14.1: the session is unchanged).
        // Time runs from the answer: the call is that old now.
        assertThat(relay.only().onHold).isFalse();
        timers.advance(FakeRelayPorts.TIMEOUT);
        assertThat(sender.requests("BYE")).hasSize(2);
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("media_timeout");
    }

    @Test
    void noMediaForThirtySecondsEndsTheCallOnBothLegsAndItsCharging() throws Exception {
        SIPRequest invite = clientInvite("alice", "+447400123456", "c8");
        transactions.onRequest(invite, CLIENT);
        answer(onlyRequest("INVITE"));
        SIPResponse ok = sender.lastResponse();
        transactions.onRequest(clientAck(invite, ok), CLIENT);

        timers.advance(Duration.ofMillis(29_999));
        assertThat(sender.requests("BYE")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        assertThat(sender.requests("BYE")).hasSize(2);
        JsonNode record = onlyRecord();
        assertThat(record.get("disconnectCause").asText()).isEqualTo("media_timeout");
        // Charged for the started increments up to the teardown, and nothing is left reserved.
        assertThat(accounts.available("alice")).isEqualTo(accounts.balance("alice").orElseThrow());
        assertThat(record.get("billedSeconds").asLong()).isEqualTo(30);
        assertThat(relay.inUse()).isZero();
    }

    private static List<String> headerValues(SIPResponse r, String name) {
        List<String> values = new java.util.ArrayList<>();
        for (String line : r.encode().split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                values.add(line.substring(name.length() + 1).trim());
            }
        }
        return values;
    }

    /** The wire form with what differs per request (branch, tags, Call-ID) masked. */
    private static String masked(SIPResponse r) {
        return r.encode().replaceAll("branch=[^;\\r\\n]+", "branch=*").replaceAll("tag=[^;\\r\\n]+", "tag=*")
                .replaceAll("Call-ID: [^\\r\\n]+", "Call-ID: *");
    }

    private static String body(SIPMessage m) {
        return new String(m.getRawContent(), StandardCharsets.US_ASCII);
    }

    private static SIPRequest clientReinvite(SIPRequest invite, SIPResponse ok, String sdp) {
        return inDialog(invite, ok, "INVITE", 2, "reinv")
                .contact("<sip:client@127.0.0.1:5070>")
                .sdp(sdp)
                .build();
    }

    private static final SubscriberDirectory SUBSCRIBERS = new SubscriberDirectory(List.of(
            subscriber("alice", "+447400000001", null),
            subscriber("bob", "+447400000002", null),
            subscriber("carol", "+447400000003", null),
            subscriber("dave", "+819012345678", "JP")));

    private static Subscriber subscriber(String id, String number, String country) {
        return new Subscriber(id, number, country,
                DigestCredentials.derive(id, TestAccounts.REALM, TestAccounts.password(id)));
    }

    /** What the gateway does with a request from the network: the throttle at the door, then the transactions. */
    private void admit(SIPRequest request, Endpoint source) {
        if (throttle.admits(request, source)) {
            transactions.onRequest(request, source);
        }
    }

    /** A Proxy-Authorization answering a fresh challenge of the gateway, as {@code account} with its password. */
    private String credentialsFor(String account, String method, String uri) {
        return DigestTestClient.authorization(DigestTestClient.challenge(authenticator), account,
                TestAccounts.password(account), method, uri, 1, "c" + Long.toHexString(System.nanoTime()));
    }

    private double refusals(String reason) {
        var counter = registry.find("sip.requests.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * Routing with one trunk, the test's carrier, serving {@code prefixes} (a YAML list, optionally
     * followed by more of the trunk's keys, e.g. {@code ["44"], inbound: true}).
     */
    private RoutingService routing(String prefixes) {
        return routing(prefixes, "");
    }

    /** As {@link #routing(String)}, with {@code more} top-level YAML (e.g. a routing: section). */
    private RoutingService routing(String prefixes, String more) {
        GatewayConfig config = GatewayConfig.parse("""
                sip: { listen: [ { transport: udp, host: 127.0.0.1, port: 5060 } ] }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 41000, portMax: 41999 }
                trunks:
                  - { name: carrier, host: 127.0.0.1, port: 5080, transport: udp, prefixes: %s }
                charging: { currency: USD, rates: [], accounts: [] }
                cdr: { file: calls.jsonl }
                %s
                """.formatted(prefixes, more), "b2bua-test.yaml");
        return RoutingService.create(config, dir, new SplittableRandom(1), registry);
    }

    // ---- message builders -----------------------------------------------------------------

    private static Money usd(String amount) {
        return Money.parse(amount, "USD");
    }

    /**
     * The one request of {@code method} sent so far. Charging's answer and the relay's ports reach
     * the call as due timer tasks, so this first runs them.
     */
    private SIPRequest onlyRequest(String method) {
        timers.runDue();
        List<SIPRequest> requests = sender.requests(method);
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private void assertNoPortsInUse() {
        timers.runDue();
        assertThat(relay.inUse()).isZero();
    }

    private JsonNode onlyRecord() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("calls.jsonl"));
        assertThat(lines).hasSize(1);
        return new ObjectMapper().readTree(lines.get(0));
    }

    private void answer(SIPRequest carrierInvite) throws Exception {
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);
        transactions.onResponse(carrierResponse(carrierInvite, 200, """
                v=0\r
                o=carrier 1 1 IN IP4 127.0.0.1\r
                s=-\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio 40000 RTP/AVP 0\r
                a=rtpmap:0 PCMU/8000\r
                """), CARRIER);
    }

    private static SIPResponse carrierResponse(SIPRequest request, int code, String sdp) {
        ResponseBuilder r = response(request, code).contact("<sip:carrier@127.0.0.1:5080>").sdp(sdp);
        return (code > 100 ? r.toTag("carrier-tag") : r).build();
    }

    private static RequestBuilder clientRequest(String method, String requestUri, String callId, String branch) {
        return request(method, requestUri)
                .via(TransportType.UDP, "127.0.0.1:5070", "z9hG4bK" + branch).rport(5070)
                .callId(callId);
    }

    private SIPRequest clientInvite(String account, String number, String callId) {
        return inviteFrom(account, number, callId).build();
    }

    /** An INVITE from {@code account}'s client, with its credentials (SHA-256, the gateway's first choice). */
    private RequestBuilder inviteFrom(String account, String number, String callId) {
        return unauthenticatedInvite(account, number, callId)
                .header("Proxy-Authorization", credentialsFor(account, "INVITE", "sip:" + number + "@127.0.0.1:5060"));
    }

    private static RequestBuilder unauthenticatedInvite(String account, String number, String callId) {
        String sdp = """
                v=0\r
                o=client 1 1 IN IP4 10.0.0.7\r
                s=-\r
                c=IN IP4 10.0.0.7\r
                t=0 0\r
                m=audio 6000 RTP/AVP 0 101\r
                a=rtpmap:0 PCMU/8000\r
                a=rtpmap:101 telephone-event/8000\r
                """;
        return clientRequest("INVITE", "sip:" + number + "@127.0.0.1:5060", callId, callId)
                .from("<sip:" + account + "@127.0.0.1>", "client-tag")
                .to("<sip:" + number + "@127.0.0.1>")
                .cseq(1)
                .contact("<sip:" + account + "@127.0.0.1:5070>")
                .sdp(sdp);
    }

    private static SIPRequest clientAck(SIPRequest invite, SIPResponse ok) {
        return inDialog(invite, ok, "ACK", 1, "ack").build();
    }

    private static SIPRequest clientBye(SIPRequest invite, SIPResponse ok) {
        return inDialog(invite, ok, "BYE", 2, "bye").build();
    }

    private static RequestBuilder inDialog(SIPRequest invite, SIPResponse ok, String method, int cseq, String branch) {
        String callId = invite.getCallId().getCallId();
        return clientRequest(method, "sip:gw@127.0.0.1:5060", callId, branch + callId)
                .from(invite.getFrom().getAddress().toString(), "client-tag")
                .to(invite.getTo().getAddress().toString(), ok.getToTag())
                .cseq(cseq);
    }

    /** A BYE from the carrier inside the carrier leg's dialog (its To tag is the gateway's From tag). */
    private static SIPRequest carrierBye(SIPRequest carrierInvite, String branch) {
        String callId = carrierInvite.getCallId().getCallId();
        return request("BYE", "sip:gw@127.0.0.1:5060")
                .via(TransportType.UDP, "127.0.0.1:5080", "z9hG4bK" + branch + callId)
                .callId(callId)
                .from(carrierInvite.getTo().getAddress().toString(), "carrier-tag")
                .to(carrierInvite.getFrom().getAddress().toString(), carrierInvite.getFromTag())
                .cseq(1)
                .build();
    }

    private static SIPRequest cancelOf(SIPRequest invite) {
        String callId = invite.getCallId().getCallId();
        return clientRequest("CANCEL", invite.getRequestURI().toString(), callId, callId)
                .from(invite.getFrom().getAddress().toString(), "client-tag")
                .to(invite.getTo().getAddress().toString())
                .cseq(1)
                .build();
    }
}
