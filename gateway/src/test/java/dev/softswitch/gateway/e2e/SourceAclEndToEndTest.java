package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's end-to-end proof for sources: a BYE forged with the call's Call-ID, tags and Via but sent
 * from another port gets the unknown-dialog 481 (back to where it really came from, not to the Via), the
 * call goes on on both legs, and the client's own BYE still ends it; an INVITE from the trunk's address
 * gets 403. The real gateway on loopback, a Java UDP client and a SIPp carrier.
 */
@ExtendWith(SippAvailable.class)
class SourceAclEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String UK_MOBILE = "+447400123456";

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int carrierPort;
    private static Path callRecords;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 24000 + 2 * (int) ((ProcessHandle.current().pid() + 2000) % 3000);
        callRecords = dir.resolve("calls.jsonl");
        String yaml = """
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %6$d }
                media: { host: 127.0.0.1, portMin: %2$d, portMax: %3$d }
                trunks:
                  - { name: sipp-carrier, host: 127.0.0.1, port: %4$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%5$s" }
                """.formatted(sipPort, mediaBase, mediaBase + 99, carrierPort, callRecords, SippProcess.freeTcpPort());
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "acl-e2e.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        MediaEndToEndTest.await(() -> activeCalls() == 0, Duration.ofSeconds(10));
    }

    @Test
    void aByeForgedFromAnotherPortIsRefusedAndTheCallGoesOnUntilTheClientsOwnBye() throws Exception {
        SippProcess carrier = track(SippProcess.builder(SippScenario.uas("basic-call")).localPort(carrierPort)
                .timeout(LIMIT).traceMessages().start());
        carrier.awaitListening(Duration.ofSeconds(5));
        DatagramSocket clientRtp = udp();
        SipUdpPeer client = track(new SipUdpPeer(sipPort, "alice"));
        SipUdpPeer.Message ok = client.invite(UK_MOBILE, MediaEndToEndTest.plainOffer(clientRtp.getLocalPort()), LIMIT);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        int recordsBefore = Files.exists(callRecords) ? Files.readAllLines(callRecords).size() : 0;

        DatagramSocket attacker = udp();
        String forged = client.inDialogRequest("BYE");
        byte[] bytes = forged.getBytes(StandardCharsets.UTF_8);
        attacker.send(new DatagramPacket(bytes, bytes.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort)));

        // The Via names the client's port with rport: the answer still goes to the attacker's real port.
        DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
        attacker.receive(answer);
        String refused = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
        assertThat(refused).startsWith("SIP/2.0 481 Call/Transaction Does Not Exist\r\n")
                .contains(";rport=" + attacker.getLocalPort());
        assertThat(activeCalls()).isEqualTo(1);
        assertThat(client.byeReceived()).isEmpty();
        assertThat(carrier.isAlive()).isTrue();
        assertThat(carrier.receivedMessages()).noneMatch(m -> m.isRequest("BYE"));
        assertThat(gateway.registry().find("sip.requests.refused").tag("reason", "not_dialog_peer").counter().count())
                .isEqualTo(1.0);

        assertThat(client.bye(LIMIT).status()).isEqualTo(200);
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();
        assertThat(CallRecords.lastOf(callRecords, recordsBefore, "alice").get("hungUpBy").asText()).isEqualTo("caller");
    }

    @Test
    void anInviteFromTheTrunksAddressIsRefusedWith403() throws Exception {
        SipUdpPeer fromTrunk = track(new SipUdpPeer(sipPort, "alice", carrierPort));

        SipUdpPeer.Message refused = fromTrunk.invite(UK_MOBILE, MediaEndToEndTest.plainOffer(4000), LIMIT);

        assertThat(refused.startLine()).isEqualTo("SIP/2.0 403 Inbound Calls Not Accepted From Trunks");
        assertThat(gateway.registry().find("sip.requests.refused").tag("reason", "trunk_invite").counter().count())
                .isEqualTo(1.0);
    }

    private DatagramSocket udp() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(3000);
        closeables.add(s);
        return s;
    }

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private static int activeCalls() {
        try {
            return gateway.activeCalls();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
