package dev.softswitch.gateway.b2bua;

import static dev.softswitch.gateway.testing.SipMessageFixtures.request;
import static dev.softswitch.gateway.testing.SipMessageFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateTable;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.auth.DigestAuthenticator;
import dev.softswitch.gateway.auth.DigestCredentials;
import dev.softswitch.gateway.auth.NonceService;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.SessionTimersConfig;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.RecordingSipSender;
import dev.softswitch.gateway.testing.SipMessageFixtures.RequestBuilder;
import dev.softswitch.gateway.testing.SipMessageFixtures.ResponseBuilder;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.time.ManualTimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dialog features of the B2BUA (issue 11): session timers (RFC 4028) on both legs, UPDATE (RFC 3311)
 * and INFO (RFC 6086) relayed within a dialog, loop detection (482/483) and the ring timeout. Real
 * transaction layer and charging engine, a recording sender, a fake relay and a manual clock.
 */
class DialogFeaturesTest {

    private static final Endpoint CLIENT = Endpoint.of("127.0.0.1", 5070, TransportType.UDP);
    private static final Endpoint CARRIER = Endpoint.of("127.0.0.1", 5080, TransportType.UDP);
    private static final Endpoint BACKUP = Endpoint.of("127.0.0.1", 5082, TransportType.UDP);
    private static final String ONE_TRUNK = """
              - { name: carrier, host: 127.0.0.1, port: 5080, transport: udp, prefixes: ["44"] }
            """;
    private static final String TWO_TRUNKS = """
              - { name: carrier, host: 127.0.0.1, port: 5080, transport: udp, prefixes: ["44"], priority: 1 }
              - { name: backup, host: 127.0.0.1, port: 5082, transport: udp, prefixes: ["44"], priority: 2 }
            """;

    @TempDir
    Path dir;

    private final ManualTimerService timers = new ManualTimerService();
    private final RecordingSipSender sender = new RecordingSipSender(timers);
    private final JournalledAccountStore accounts = new JournalledAccountStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeRelayPorts relay = new FakeRelayPorts(timers);
    private final DigestAuthenticator authenticator = new DigestAuthenticator(TestAccounts.REALM,
            List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5),
            new NonceService(timers::now, Duration.ofMinutes(5), new SecureRandom()), 1000, timers::now,
            user -> SUBSCRIBERS.find(user).map(Subscriber::credentials));
    private CallRecordWriter records;
    private TransactionLayer transactions;
    private B2buaHandler b2bua;

    private void start(String trunks, String routingSection) {
        // 0.60 USD a minute in 2-second increments.
        RateTable rates = RateTable.of(List.of(new Rate("447", "UK mobile", usd("0.60"), usd("0"), 2, 2)));
        accounts.create("alice", usd("10.00"));
        records = new CallRecordWriter(dir.resolve("calls.jsonl"));
        GatewayConfig config = GatewayConfig.parse("""
                sip: { listen: [ { transport: udp, host: 127.0.0.1, port: 5060 } ] }
                http: { host: 127.0.0.1, port: 8080 }
                media: { host: 127.0.0.1, portMin: 41000, portMax: 41999 }
                trunks:
                %s
                charging: { currency: USD, rates: [], accounts: [] }
                cdr: { file: calls.jsonl }
                %s
                """.formatted(trunks, routingSection), "dialog-test.yaml");
        b2bua = B2buaHandler.builder()
                .sip(sender, timers, TimerSettings.rfc3261())
                .auth(authenticator)
                .charging(new ChargingEngine(accounts, rates), Runnable::run, Runnable::run, records)
                .relay(relay)
                .routing(RoutingService.create(config, dir, new SplittableRandom(1), registry), () -> SUBSCRIBERS)
                .metrics(new GatewayMetrics(registry))
                .overload(new OverloadGuard(Duration.ofMillis(100)))
                .sessionTimers(new SessionTimersConfig(Duration.ofSeconds(1800), Duration.ofSeconds(90)))
                .build();
        transactions = new TransactionLayer(sender, timers, TimerSettings.rfc3261(), b2bua);
        b2bua.bind(transactions);
        relay.mediaFlows(); // these calls end by their session timers, never by silence
    }

    private void start() {
        start(ONE_TRUNK, "");
    }

    @AfterEach
    void tearDown() {
        if (records != null) {
            records.close();
        }
    }

    // ---- ring timeout ---------------------------------------------------------------------

    @Test
    void aCarrierRingingPastTheRingTimeoutIsCancelledTheNextTrunkTriedAndAtTheEndTheClientGets480() throws Exception {
        start(TWO_TRUNKS, "");
        SIPRequest invite = clientInvite("ring1").build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest first = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(first, 180, null), CARRIER);
        timers.advance(Duration.ofSeconds(119));
        assertThat(sender.requests("CANCEL")).isEmpty();
        assertThat(accounts.reserved("alice")).as("held while it rings").isEqualTo(usd("0.02"));

        timers.advance(Duration.ofSeconds(1));
        assertThat(sender.requests("CANCEL")).singleElement()
                .satisfies(c -> assertThat(c.getCallId().getCallId()).isEqualTo(first.getCallId().getCallId()));
        List<SIPRequest> invites = sender.requests("INVITE");
        assertThat(invites).hasSize(2);
        SIPRequest second = invites.get(1);
        assertThat(second.getRequestURI().toString()).contains(":5082");
        assertThat(channels("carrier")).isZero();
        assertThat(channels("backup")).isEqualTo(1);
        // the first carrier confirms the CANCEL with 487: ACKed, and the call goes on with the backup
        transactions.onResponse(response(sender.requests("CANCEL").get(0), 200).build(), CARRIER);
        transactions.onResponse(carrierResponse(first, 487, null), CARRIER);
        transactions.onResponse(carrierResponse(second, 180, null), BACKUP);

        timers.advance(Duration.ofSeconds(120));
        assertThat(sender.requests("CANCEL")).hasSize(2);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(480);
        assertThat(sender.lastResponse().getCSeq().getMethod()).isEqualTo("INVITE");
        assertReleased();
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("ring_timeout");
    }

    @Test
    void theRingTimeoutIsConfigurableUnderRouting() throws Exception {
        start(ONE_TRUNK, "routing: { ringTimeout: 30s }");
        transactions.onRequest(clientInvite("ring2").build(), CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 183, null), CARRIER);
        timers.advance(Duration.ofMillis(29_999));
        assertThat(sender.requests("CANCEL")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        assertThat(sender.requests("CANCEL")).hasSize(1);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(480);
        assertReleased();
    }

    // ---- loops ----------------------------------------------------------------------------

    @Test
    void anInviteComingBackThroughTheGatewayGets482AndIsNotPlacedAgain() throws Exception {
        start();
        SIPRequest invite = clientInvite("loop1").maxForwards(10).build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        assertThat(carrierInvite.getMaxForwards().getMaxForwards()).as("decremented on the carrier leg").isEqualTo(9);
        // The carrier routes it back to the gateway: our own Via, with the branch we made, is under its own.
        String ownVia = ((SIPHeader) carrierInvite.getTopmostVia()).getHeaderValue();
        SIPRequest looped = request("INVITE", "sip:+447400123456@127.0.0.1:5060")
                .via(TransportType.UDP, "127.0.0.1:5080", "z9hG4bKloop" + System.nanoTime())
                .via(ownVia)
                .maxForwards(8)
                .from(carrierInvite.getFrom().getAddress().toString(), carrierInvite.getFromTag())
                .to(carrierInvite.getTo().getAddress().toString())
                .callId(carrierInvite.getCallId().getCallId())
                .cseq(1)
                .contact("<sip:carrier@127.0.0.1:5080>")
                .sdp(OFFER)
                .build();
        transactions.onRequest(looped, CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(482);
        assertThat(sender.lastResponse().getReasonPhrase()).isEqualTo("Loop Detected");
        assertThat(sender.requests("INVITE")).hasSize(1);
        assertThat(b2bua.activeCalls()).isEqualTo(1);
    }

    @Test
    void requestsOutOfHopsGet483InsideADialogAsOutsideAndNothingIsRelayed() throws Exception {
        start();
        transactions.onRequest(clientInvite("hops0").maxForwards(0).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(483);
        assertThat(sender.requests("INVITE")).isEmpty();

        Answered call = answeredCall("hops", null, null);
        transactions.onRequest(inDialog(call, "INFO", 2, "info").maxForwards(0)
                .body("application/dtmf-relay", "Signal=5\r\n").build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(483);
        transactions.onRequest(inDialog(call, "UPDATE", 3, "upd").maxForwards(0).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(483);
        assertThat(sender.requests("INFO")).isEmpty();
        assertThat(sender.requests("UPDATE")).isEmpty();
        hangUpAndAssertReleased(call);
    }

    // ---- INFO and UPDATE ------------------------------------------------------------------

    @Test
    void anInDialogInfoIsRelayedToTheOtherLegAndItsAnswerBack() throws Exception {
        start();
        Answered call = answeredCall("info1", null, null);
        transactions.onRequest(inDialog(call, "INFO", 2, "info").maxForwards(5)
                .header("Info-Package", "dtmf").body("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n").build(), CLIENT);
        SIPRequest relayed = onlyRequest("INFO");
        assertThat(relayed.getCallId().getCallId()).isEqualTo(call.carrierInvite.getCallId().getCallId());
        assertThat(relayed.getToTag()).isEqualTo("carrier-tag");
        assertThat(body(relayed)).isEqualTo("Signal=5\r\nDuration=160\r\n");
        assertThat(relayed.getContentTypeHeader().getContentSubType()).isEqualTo("dtmf-relay");
        assertThat(relayed.getHeader("Info-Package").toString()).contains("dtmf");
        assertThat(relayed.getMaxForwards().getMaxForwards()).isEqualTo(4);
        assertThat(sender.lastResponse()).as("nothing answered locally").satisfies(r ->
                assertThat(r.getCSeq().getMethod()).isEqualTo("INVITE"));

        transactions.onResponse(response(relayed, 415).build(), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(415);
        assertThat(sender.lastResponse().getCSeq().getMethod()).isEqualTo("INFO");

        // and the other way: the carrier's INFO reaches the client, the client's 200 the carrier
        transactions.onRequest(carrierRequest(call, "INFO", 7).body("application/dtmf-relay", "Signal=1\r\n").build(), CARRIER);
        SIPRequest toClient = sender.requests("INFO").get(1);
        assertThat(toClient.getCallId().getCallId()).isEqualTo("info1");
        transactions.onResponse(response(toClient, 200).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(sender.lastResponse().getCSeq().getSeqNumber()).isEqualTo(7);
        hangUpAndAssertReleased(call);
    }

    @Test
    void anUpdateWithoutSdpIsRelayedAndItsAnswerComesBack() throws Exception {
        start();
        Answered call = answeredCall("upd1", null, null);
        transactions.onRequest(inDialog(call, "UPDATE", 2, "upd").contact("<sip:alice@127.0.0.1:5070>").build(), CLIENT);
        SIPRequest relayed = onlyRequest("UPDATE");
        assertThat(relayed.getCallId().getCallId()).isEqualTo(call.carrierInvite.getCallId().getCallId());
        assertThat(relayed.getRawContent()).isNull();
        transactions.onResponse(response(relayed, 200).contact("<sip:carrier@127.0.0.1:5080>").build(), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(sender.lastResponse().getCSeq().getMethod()).isEqualTo("UPDATE");
        assertThat(sender.requests("ACK")).as("no ACK for UPDATE").hasSize(1);
        hangUpAndAssertReleased(call);
    }

    @Test
    void anUpdateWithSdpGoesThroughTheRelayLikeAReinvite() throws Exception {
        start();
        Answered call = answeredCall("upd2", null, null);
        transactions.onRequest(inDialog(call, "UPDATE", 2, "upd").contact("<sip:alice@127.0.0.1:5070>")
                .sdp(OFFER.replace("a=rtpmap:0 PCMU/8000\r\n", "a=rtpmap:0 PCMU/8000\r\na=sendonly\r\n")).build(), CLIENT);
        SIPRequest relayed = onlyRequest("UPDATE");
        assertThat(body(relayed)).contains("a=sendonly").doesNotContain("10.0.0.7");
        transactions.onResponse(response(relayed, 200).contact("<sip:carrier@127.0.0.1:5080>")
                .sdp(CARRIER_SDP + "a=recvonly\r\n").build(), CARRIER);
        SIPResponse ok = sender.lastResponse();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(body(ok)).contains("a=recvonly").doesNotContain("m=audio 40000");
        assertThat(relay.only().onHold).isTrue();
        hangUpAndAssertReleased(call);
    }

    @Test
    void optionsNamesUpdateAmongTheMethodsAndAnUpdateOutsideADialogGets481() throws Exception {
        start();
        transactions.onRequest(request("OPTIONS", "sip:gw@127.0.0.1:5060").via(TransportType.UDP, "127.0.0.1:5070",
                "z9hG4bKopt").callId("opt").build(), CLIENT);
        assertThat(sender.lastResponse().encode()).contains("Allow: INVITE,ACK,CANCEL,BYE,OPTIONS,INFO,UPDATE,REGISTER");
        transactions.onRequest(request("UPDATE", "sip:gw@127.0.0.1:5060").via(TransportType.UDP, "127.0.0.1:5070",
                "z9hG4bKupd").callId("nodialog").build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(481);
    }

    // ---- session timers -------------------------------------------------------------------

    @Test
    void requireTimerIsTakenAndACallWhoseRefreshNeverComesEndsOnBothLegs() throws Exception {
        start();
        Answered call = answeredCall("st1", "300;refresher=uac", null);
        SIPResponse ok = call.ok;
        assertThat(header(ok, "Session-Expires")).isEqualTo("300;refresher=uac");
        assertThat(header(ok, "Require")).isEqualTo("timer");
        assertThat(header(call.carrierInvite, "Session-Expires")).startsWith("300");
        assertThat(header(call.carrierInvite, "Min-SE")).isEqualTo("90");
        assertThat(header(call.carrierInvite, "Supported")).contains("timer");

        // the client is the refresher and never refreshes: the session expires 300 - min(32, 300/3) s after it began
        timers.advance(Duration.ofMillis(267_999));
        assertThat(sender.requests("BYE")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        assertThat(sender.requests("BYE")).extracting(b -> b.getCallId().getCallId())
                .containsExactlyInAnyOrder("st1", call.carrierInvite.getCallId().getCallId());
        timers.runDue();
        JsonNode record = onlyRecord();
        assertThat(record.get("disconnectCause").asText()).isEqualTo("session_timer_expired");
        assertThat(record.get("hungUpBy").asText()).isEqualTo("gateway");
        assertThat(record.get("billedSeconds").asLong()).isEqualTo(268);
        assertThat(accounts.available("alice")).isEqualTo(accounts.balance("alice").orElseThrow());
        assertReleased();
    }

    @Test
    void aSessionIntervalBelowTheMinimumGets422WithMinSeAndHoldsNothing() throws Exception {
        start();
        transactions.onRequest(clientInvite("st2").header("Supported", "timer").header("Session-Expires", "60").build(),
                CLIENT);
        timers.runDue();
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(422);
        assertThat(header(sender.lastResponse(), "Min-SE")).isEqualTo("90");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertReleased();
    }

    @Test
    void anUnreadableOrAbsurdSessionExpiresGets400NamingItAndHoldsNothing() throws Exception {
        start();
        transactions.onRequest(clientInvite("st11").header("Session-Expires", "999999999").build(), CLIENT);
        timers.runDue();
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(400);
        assertThat(sender.lastResponse().getReasonPhrase()).contains("Session-Expires must be 1 to 86400 seconds");
        assertThat(sender.requests("INVITE")).isEmpty();
        assertReleased();
    }

    @Test
    void refreshesByUpdateAndReinvitePassThroughAndKeepTheCallUp() throws Exception {
        start();
        Answered call = answeredCall("st3", "300;refresher=uac", null);
        timers.advance(Duration.ofSeconds(150));
        transactions.onRequest(inDialog(call, "UPDATE", 2, "refresh").contact("<sip:alice@127.0.0.1:5070>")
                .header("Session-Expires", "300;refresher=uac").header("Supported", "timer").build(), CLIENT);
        SIPRequest update = onlyRequest("UPDATE");
        // the carrier leg has no timer yet (its 2xx had none): it is offered one, the carrier refreshing
        assertThat(header(update, "Session-Expires")).isEqualTo("300;refresher=uas");
        transactions.onResponse(response(update, 200).contact("<sip:carrier@127.0.0.1:5080>").build(), CARRIER);
        SIPResponse refreshed = sender.lastResponse();
        assertThat(refreshed.getStatusCode()).isEqualTo(200);
        assertThat(header(refreshed, "Session-Expires")).isEqualTo("300;refresher=uac");
        assertThat(header(refreshed, "Require")).isEqualTo("timer");

        timers.advance(Duration.ofSeconds(260)); // 410 s into the call, 260 s after the refresh
        assertThat(sender.requests("BYE")).isEmpty();
        transactions.onRequest(inDialog(call, "INVITE", 3, "reinv").contact("<sip:alice@127.0.0.1:5070>")
                .header("Session-Expires", "300;refresher=uac").sdp(OFFER).build(), CLIENT);
        SIPRequest reinvite = sender.requests("INVITE").get(1);
        transactions.onResponse(response(reinvite, 200).toTag("carrier-tag").contact("<sip:carrier@127.0.0.1:5080>")
                .sdp(CARRIER_SDP).build(), CARRIER);
        assertThat(header(sender.lastResponse(), "Session-Expires")).isEqualTo("300;refresher=uac");
        timers.advance(Duration.ofSeconds(267));
        assertThat(sender.requests("BYE")).isEmpty();
        timers.advance(Duration.ofSeconds(1));
        assertThat(sender.requests("BYE")).hasSize(2);
        assertReleased();
    }

    @Test
    void whenTheCarrierMakesTheGatewayItsRefresherTheGatewaySendsUpdatesAndA481EndsTheCall() throws Exception {
        start();
        Answered call = answeredCall("st4", null, "200;refresher=uac"); // the client knows no timers
        assertThat(header(call.ok, "Session-Expires")).isNull();
        timers.advance(Duration.ofMillis(99_999));
        assertThat(sender.requests("UPDATE")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        SIPRequest refresh = onlyRequest("UPDATE");
        assertThat(refresh.getCallId().getCallId()).isEqualTo(call.carrierInvite.getCallId().getCallId());
        assertThat(header(refresh, "Session-Expires")).isEqualTo("200;refresher=uac");
        transactions.onResponse(response(refresh, 200).header("Session-Expires", "200;refresher=uac").build(), CARRIER);

        timers.advance(Duration.ofSeconds(100));
        SIPRequest second = sender.requests("UPDATE").get(1);
        transactions.onResponse(response(second, 481).build(), CARRIER);
        assertThat(sender.requests("BYE")).hasSize(2);
        timers.runDue();
        assertThat(onlyRecord().get("disconnectCause").asText()).isEqualTo("session_timer_expired");
        assertReleased();
    }

    @Test
    void aCarrierThatIsItsOwnRefresherAndStopsRefreshingEndsTheCall() throws Exception {
        start();
        Answered call = answeredCall("st5", null, "120;refresher=uas");
        // the carrier refreshes at 60 s: an UPDATE from it is relayed to the client and answered back
        timers.advance(Duration.ofSeconds(60));
        transactions.onRequest(carrierRequest(call, "UPDATE", 2).header("Session-Expires", "120;refresher=uac").build(), CARRIER);
        SIPRequest toClient = onlyRequest("UPDATE");
        assertThat(toClient.getCallId().getCallId()).isEqualTo("st5");
        transactions.onResponse(response(toClient, 200).build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(200);
        assertThat(header(sender.lastResponse(), "Session-Expires")).isEqualTo("120;refresher=uac");
        // then nothing more: 120 - 32 s after the refresh the call ends
        timers.advance(Duration.ofMillis(87_999));
        assertThat(sender.requests("BYE")).isEmpty();
        timers.advance(Duration.ofMillis(1));
        assertThat(sender.requests("BYE")).hasSize(2);
        assertReleased();
    }

    @Test
    void aCarrierAnswering422IsAskedAgainWithItsMinSeAndTheCallGoesOn() throws Exception {
        start();
        SIPRequest invite = clientInvite("st6").build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest first = onlyRequest("INVITE");
        assertThat(header(first, "Session-Expires")).isEqualTo("1800;refresher=uas");
        transactions.onResponse(response(first, 422).header("Min-SE", "3600").build(), CARRIER);
        List<SIPRequest> invites = sender.requests("INVITE");
        assertThat(invites).hasSize(2);
        assertThat(header(invites.get(1), "Session-Expires")).isEqualTo("3600;refresher=uas");
        assertThat(sender.statuses()).as("the client hears nothing of it").containsExactly(100);
        transactions.onResponse(response(invites.get(1), 200).contact("<sip:carrier@127.0.0.1:5080>")
                .toTag("carrier-tag").header("Session-Expires", "3600;refresher=uas").sdp(CARRIER_SDP).build(), CARRIER);
        SIPResponse ok = sender.lastResponse();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        transactions.onRequest(inDialog(new Answered(invite, invites.get(1), ok), "BYE", 2, "bye").build(), CLIENT);
        assertThat(sender.requests("BYE")).singleElement().satisfies(b ->
                assertThat(b.getCallId().getCallId()).isEqualTo(invites.get(1).getCallId().getCallId()));
        assertReleased();
    }

    @Test
    void aRefreshTheFarSideFindsTooShortComesBack422WithItsMinSe() throws Exception {
        start();
        Answered call = answeredCall("st7", "300;refresher=uac", null);
        transactions.onRequest(inDialog(call, "UPDATE", 2, "short").contact("<sip:alice@127.0.0.1:5070>")
                .header("Session-Expires", "300;refresher=uac").build(), CLIENT);
        SIPRequest update = onlyRequest("UPDATE");
        transactions.onResponse(response(update, 422).header("Min-SE", "600").build(), CARRIER);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(422);
        assertThat(header(sender.lastResponse(), "Min-SE")).isEqualTo("600");
        // and an in-dialog refresh asking for less than the gateway's own minimum is refused here
        transactions.onRequest(inDialog(call, "UPDATE", 3, "shorter").contact("<sip:alice@127.0.0.1:5070>")
                .header("Session-Expires", "30").build(), CLIENT);
        assertThat(sender.lastResponse().getStatusCode()).isEqualTo(422);
        assertThat(header(sender.lastResponse(), "Min-SE")).isEqualTo("90");
        assertThat(sender.requests("UPDATE")).hasSize(1);
        hangUpAndAssertReleased(call);
    }

    @Test
    void theCarrierIsAskedToRefreshItsOwnLegAndToldTheGatewayTakesUpdate() throws Exception {
        start();
        transactions.onRequest(clientInvite("st8").build(), CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        // RFC 4028 §9 table 2: a UAS keeps the refresher the UAC asked for
        assertThat(header(carrierInvite, "Session-Expires")).isEqualTo("1800;refresher=uas");
        assertThat(carrierInvite.encode()).contains("Allow: INVITE,ACK,CANCEL,BYE,OPTIONS,INFO,UPDATE,REGISTER");
    }

    @Test
    void aRefreshByUpdateTheOtherSideCannotTakeIsAnsweredByTheGatewayAndKeepsTheCall() throws Exception {
        start();
        Answered call = answeredCall("st9", null, "120;refresher=uas");
        timers.advance(Duration.ofSeconds(60));
        transactions.onRequest(carrierRequest(call, "UPDATE", 2).header("Session-Expires", "120;refresher=uac").build(), CARRIER);
        SIPRequest toClient = onlyRequest("UPDATE");
        transactions.onResponse(response(toClient, 501).build(), CLIENT); // this client knows no UPDATE
        SIPResponse answer = sender.lastResponse();
        assertThat(answer.getStatusCode()).isEqualTo(200);
        assertThat(answer.getCallId().getCallId()).isEqualTo(call.carrierInvite.getCallId().getCallId());
        assertThat(header(answer, "Session-Expires")).isEqualTo("120;refresher=uac");
        timers.advance(Duration.ofSeconds(87)); // 147 s into the call, 87 s after the refresh
        assertThat(sender.requests("BYE")).isEmpty();
        hangUpAndAssertReleased(call);
    }

    @Test
    void aPeerThatCannotTakeTheGatewaysUpdateRefreshKeepsItsCall() throws Exception {
        start();
        Answered call = answeredCall("st10", null, "200;refresher=uac");
        timers.advance(Duration.ofSeconds(100));
        SIPRequest refresh = onlyRequest("UPDATE");
        transactions.onResponse(response(refresh, 405).build(), CARRIER);
        timers.advance(Duration.ofSeconds(400));
        assertThat(sender.requests("BYE")).as("the gateway does not end a call it could not refresh").isEmpty();
        hangUpAndAssertReleased(call);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private record Answered(SIPRequest invite, SIPRequest carrierInvite, SIPResponse ok) {
    }

    /** A call placed by alice, answered by the carrier (with {@code carrierSe} as its Session-Expires) and ACKed. */
    private Answered answeredCall(String callId, String clientSe, String carrierSe) throws Exception {
        RequestBuilder b = clientInvite(callId);
        if (clientSe != null) {
            b.header("Supported", "timer").header("Require", "timer").header("Session-Expires", clientSe);
        }
        SIPRequest invite = b.build();
        transactions.onRequest(invite, CLIENT);
        SIPRequest carrierInvite = onlyRequest("INVITE");
        transactions.onResponse(carrierResponse(carrierInvite, 180, null), CARRIER);
        ResponseBuilder ok = response(carrierInvite, 200).contact("<sip:carrier@127.0.0.1:5080>").toTag("carrier-tag")
                .sdp(CARRIER_SDP);
        if (carrierSe != null) {
            ok.header("Require", "timer").header("Session-Expires", carrierSe);
        }
        transactions.onResponse(ok.build(), CARRIER);
        SIPResponse clientOk = sender.lastResponse();
        assertThat(clientOk.getStatusCode()).isEqualTo(200);
        transactions.onRequest(inDialog(new Answered(invite, carrierInvite, clientOk), "ACK", 1, "ack").build(), CLIENT);
        return new Answered(invite, carrierInvite, clientOk);
    }

    private void hangUpAndAssertReleased(Answered call) throws Exception {
        transactions.onRequest(inDialog(call, "BYE", 9, "bye").build(), CLIENT);
        assertReleased();
    }

    /** Everything a call held is given back: relay ports, reservation, trunk channels, registry entry. */
    private void assertReleased() {
        timers.runDue();
        assertThat(relay.inUse()).isZero();
        assertThat(accounts.reserved("alice")).isEqualTo(usd("0"));
        assertThat(b2bua.activeCalls()).isZero();
        assertThat(registry.find("routing.trunk.channels").gauges())
                .allSatisfy(g -> assertThat(g.value()).isZero());
    }

    private double channels(String trunk) {
        return registry.get("routing.trunk.channels").tag("trunk", trunk).gauge().value();
    }

    private SIPRequest onlyRequest(String method) {
        timers.runDue();
        List<SIPRequest> requests = sender.requests(method);
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private JsonNode onlyRecord() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("calls.jsonl"));
        assertThat(lines).hasSize(1);
        return new ObjectMapper().readTree(lines.get(0));
    }

    private static String header(SIPMessage m, String name) {
        javax.sip.header.Header h = m.getHeader(name);
        return h == null ? null : ((SIPHeader) h).getHeaderValue().trim();
    }

    private static String body(SIPMessage m) {
        return new String(m.getRawContent(), StandardCharsets.US_ASCII);
    }

    private static final String OFFER = """
            v=0\r
            o=client 1 1 IN IP4 10.0.0.7\r
            s=-\r
            c=IN IP4 10.0.0.7\r
            t=0 0\r
            m=audio 6000 RTP/AVP 0 101\r
            a=rtpmap:0 PCMU/8000\r
            """;
    private static final String CARRIER_SDP = """
            v=0\r
            o=carrier 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            """;

    private static final SubscriberDirectory SUBSCRIBERS = new SubscriberDirectory(List.of(
            new Subscriber("alice", "+447400000001", null,
                    DigestCredentials.derive("alice", TestAccounts.REALM, TestAccounts.password("alice")))));

    private static Money usd(String amount) {
        return Money.parse(amount, "USD");
    }

    private RequestBuilder clientInvite(String callId) {
        String uri = "sip:+447400123456@127.0.0.1:5060";
        return request("INVITE", uri)
                .via(TransportType.UDP, "127.0.0.1:5070", "z9hG4bK" + callId).rport(5070)
                .callId(callId)
                .from("<sip:alice@127.0.0.1>", "client-tag")
                .to("<sip:+447400123456@127.0.0.1>")
                .cseq(1)
                .contact("<sip:alice@127.0.0.1:5070>")
                .header("Proxy-Authorization", DigestTestClient.authorization(DigestTestClient.challenge(authenticator),
                        "alice", TestAccounts.password("alice"), "INVITE", uri, 1, "c" + Long.toHexString(System.nanoTime())))
                .sdp(OFFER);
    }

    private static RequestBuilder inDialog(Answered call, String method, int cseq, String branch) {
        String callId = call.invite.getCallId().getCallId();
        return request(method, "sip:gw@127.0.0.1:5060")
                .via(TransportType.UDP, "127.0.0.1:5070", "z9hG4bK" + branch + callId + cseq).rport(5070)
                .callId(callId)
                .from(call.invite.getFrom().getAddress().toString(), "client-tag")
                .to(call.invite.getTo().getAddress().toString(), call.ok.getToTag())
                .cseq(cseq);
    }

    /** A request from the carrier inside the carrier leg's dialog. */
    private static RequestBuilder carrierRequest(Answered call, String method, int cseq) {
        SIPRequest ci = call.carrierInvite;
        return request(method, "sip:gw@127.0.0.1:5060")
                .via(TransportType.UDP, "127.0.0.1:5080", "z9hG4bKc" + method + cseq + ci.getCallId().getCallId())
                .callId(ci.getCallId().getCallId())
                .from(ci.getTo().getAddress().toString(), "carrier-tag")
                .to(ci.getFrom().getAddress().toString(), ci.getFromTag())
                .contact("<sip:carrier@127.0.0.1:5080>")
                .cseq(cseq);
    }

    private static SIPResponse carrierResponse(SIPRequest request, int code, String sdp) {
        ResponseBuilder r = response(request, code).contact("<sip:carrier@127.0.0.1:5080>").sdp(sdp);
        return (code > 100 ? r.toTag("carrier-tag") : r).build();
    }
}
