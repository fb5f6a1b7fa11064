package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.testing.DigestTestClient;
import dev.softswitch.gateway.testing.SipMessageFixtures;
import dev.softswitch.gateway.testing.TestAccounts;
import dev.softswitch.gateway.transport.TransportType;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password guesser against the real gateway over UDP on loopback, as sipvicious {@code svcrack -m
 * INVITE} plays it: INVITE, 407, INVITE with a guess, 403, ACK, again. On the shipped throttle limits
 * the account is banned after six checked guesses, the address soon after, and from then on the
 * guesser hears nothing at all. Bounded: at most 200 guesses and 20 seconds.
 */
class ThrottleEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(ThrottleEndToEndTest.class);
    private static final String URI = "sip:+447400123456@127.0.0.1";

    @TempDir
    Path dir;

    private Gateway gateway;
    private DatagramSocket socket;
    private InetSocketAddress target;
    private int sequence;

    @BeforeEach
    void startGateway() throws Exception {
        int sipPort = SippProcess.freePort();
        int mediaBase = 20000 + 2 * (int) ((ProcessHandle.current().pid() + 2000) % 4000); // apart from the other e2e tests
        String yaml = """
                sip: { listen: [ { transport: udp, host: 127.0.0.1, port: %1$d } ] }
                http: { host: 127.0.0.1, port: %2$d }
                media: { host: 127.0.0.1, portMin: %5$d, portMax: %6$d }
                trunks:
                  - { name: nowhere, host: 127.0.0.1, port: %3$d, transport: udp, prefixes: ["44"], probe: false }
                charging:
                  currency: USD
                  rates: [ { prefix: "44", destination: UK, perMinute: "0.03", increments: 60/60 } ]
                  accounts:
                    - { id: alice, balance: "10.00", number: "+447400000001" }
                cdr: { file: "%4$s" }
                """.formatted(sipPort, SippProcess.freeTcpPort(), SippProcess.freeUdpPort(), dir.resolve("calls.jsonl"),
                mediaBase, mediaBase + 99);
        gateway = Gateway.start(GatewayConfig.parse(TestAccounts.withPasswords(yaml), "throttle-e2e.yaml"));
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort);
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(2000);
    }

    @AfterEach
    void stop() {
        if (socket != null) {
            socket.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aPasswordGuesserIsCutOffAfterSixCheckedGuessesAndThenHearsNothing() throws Exception {
        socket.setSoTimeout(10_000); // the first request warms the SIP core up
        assertThat(send(null)).hasValueSatisfying(r -> assertThat(r).startsWith("SIP/2.0 407 "));
        socket.setSoTimeout(2000);
        long start = System.nanoTime();
        long lastAnswer = start;
        int answered = 0;
        String challenge = null;
        while (answered < 200 && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
            Optional<String> offer = send(null).filter(r -> r.startsWith("SIP/2.0 407 ")).map(r -> header(r,
                    "Proxy-Authenticate"));
            if (offer.isEmpty()) {
                if (count("sip.bans", "scope", "source") > 0) {
                    break;
                }
                continue; // a slow answer on a busy machine, not a ban: try again
            }
            challenge = offer.get();
            Optional<String> verdict = send(DigestTestClient.authorization(challenge, "alice", "guess" + answered,
                    "INVITE", URI, 1, "g" + answered));
            if (verdict.isEmpty()) {
                if (count("sip.bans", "scope", "source") > 0) {
                    break;
                }
                continue;
            }
            assertThat(verdict.get()).startsWith("SIP/2.0 403 Forbidden");
            answered++;
            lastAnswer = System.nanoTime();
        }
        double seconds = (lastAnswer - start) / 1e9;
        log.info("guesser: {} guesses answered in {} s ({} a second), then silence; {} passwords checked",
                answered, String.format("%.3f", seconds), String.format("%.0f", answered / seconds), checked());

        assertThat(answered).isBetween(1, 31);
        assertThat(checked()).isLessThanOrEqualTo(6);
        // Banned: nothing is answered any more, not a new INVITE, not the right password.
        assertThat(send(null)).isEmpty();
        assertThat(send(DigestTestClient.authorization(challenge, "alice", TestAccounts.password("alice"), "INVITE",
                URI, 2, "right"))).isEmpty();
        assertThat(count("sip.bans", "scope", "source")).isEqualTo(1);
        assertThat(count("sip.bans", "scope", "account")).isEqualTo(1);
    }

    /** Passwords the gateway actually checked: every 403 but those given to a banned account unchecked. */
    private double checked() {
        return count("sip.auth", "outcome", "refused") - count("sip.throttled", "reason", "account_banned");
    }

    private double count(String name, String tag, String value) {
        Counter c = gateway.registry().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    /** Sends an INVITE (with {@code credentials} unless null); its final response, ACKed, or empty after the timeout. */
    private Optional<String> send(String credentials) throws IOException {
        sequence++;
        String callId = "guess-" + sequence;
        String branch = "z9hG4bKguess" + sequence;
        String local = "127.0.0.1:" + socket.getLocalPort();
        SipMessageFixtures.RequestBuilder invite = SipMessageFixtures.request("INVITE", URI)
                .via(TransportType.UDP, local, branch)
                .from("<sip:alice@127.0.0.1>", "g" + sequence)
                .to("<" + URI + ">")
                .callId(callId)
                .cseq(1)
                .contact("<sip:alice@" + local + ">");
        if (credentials != null) {
            invite.header("Proxy-Authorization", credentials);
        }
        write(invite.text());
        byte[] buffer = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            String response = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (!response.contains("Call-ID: " + callId + "\r\n") || response.startsWith("SIP/2.0 1")) {
                continue;
            }
            write(SipMessageFixtures.request("ACK", URI)
                    .via(TransportType.UDP, local, branch)
                    .from("<sip:alice@127.0.0.1>", "g" + sequence)
                    .to(header(response, "To"))
                    .callId(callId)
                    .cseq(1, "ACK")
                    .text());
            return Optional.of(response);
        }
    }

    private void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, target));
    }

    private static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + message);
    }
}
