package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.charging.money.Money;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.TestAccounts;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: when the relay cannot bind a single port (another process holds the whole range, as when
 * the process is out of file descriptors and every bind fails), the caller gets 503 with a reason and
 * the call leaves nothing behind: no registry entry, no relay port, no reservation.
 */
class RelayBindFailureEndToEndTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final String OFFER = """
            v=0\r
            o=client 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            """;

    @TempDir
    static Path dir;

    private static Gateway gateway;
    private static int sipPort;
    private static int mediaBase;

    @BeforeAll
    static void startGateway() throws Exception {
        sipPort = SippProcess.freePort();
        mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 3000) % 4000);
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords("""
                sip:
                  listen:
                    - { transport: udp, host: 127.0.0.1, port: %1$d }
                http: { host: 127.0.0.1, port: %2$d }
                media: { host: 127.0.0.1, portMin: %3$d, portMax: %4$d }
                trunks:
                  - { name: carrier, host: 127.0.0.1, port: 9, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates:
                    - { prefix: "447", destination: UK mobile, perMinute: "0.60", increments: 2/2 }
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%5$s" }
                auth: { algorithms: [SHA-256, MD5] }
                """.formatted(sipPort, SippProcess.freeTcpPort(), mediaBase, mediaBase + 7,
                dir.resolve("calls.jsonl"))), "relay-failure.yaml"));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aCallWhoseRelayPortsCannotBeBoundGets503AndLeavesNothingBehind() throws Exception {
        Money before = gateway.accounts().available("alice");
        List<DatagramSocket> held = new ArrayList<>();
        try (SipUdpPeer peer = new SipUdpPeer(sipPort, "alice")) {
            for (int port = mediaBase; port <= mediaBase + 7; port++) {
                held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }

            SipUdpPeer.Message answer = peer.invite("+447400123456", OFFER, LIMIT);

            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.startLine()).contains("No Media Ports Available");
            assertThat(answer.header("Retry-After")).as("a refusal for want of capacity says when to come back")
                    .hasValue("5");
        } finally {
            for (DatagramSocket s : held) {
                s.close();
            }
        }
        assertThat(gateway.activeCalls()).isZero();
        assertThat(gateway.relay().portsInUse()).isZero();
        assertThat(gateway.relay().sessionsActive()).isZero();
        // the reservation goes back on the charging executor just after the 503: wait for it, bounded
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (!gateway.accounts().available("alice").equals(before) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10));
        }
        assertThat(gateway.accounts().available("alice")).isEqualTo(before);
    }
}
