package dev.softswitch.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the harness without the gateway: the basic-call client calls a SIPp far end that
 * challenges it as the gateway does (challenge/uas.xml) and then answers like the basic-call carrier,
 * and both SIPp processes end with exit code 0.
 */
@ExtendWith(SippAvailable.class)
class SippSelfCheckTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final List<SippProcess> processes = new ArrayList<>();

    @AfterEach
    void stopSipp() {
        processes.forEach(SippProcess::close);
    }

    @ParameterizedTest
    @EnumSource(SippTransport.class)
    void basicCallClientCompletesAgainstBasicCallCarrier(SippTransport transport) {
        SippProcess carrier = started(SippProcess.builder(SippScenario.uas("challenge"))
                .transport(transport)
                .timeout(LIMIT)
                .traceMessages());
        carrier.awaitListening(Duration.ofSeconds(5));
        SippProcess client = started(SippProcess.builder(SippScenario.uac("basic-call"))
                .transport(transport)
                .remote(carrier.localPort())
                .service("+447400123456")
                .set("account", "alice")
                .callDuration(Duration.ofMillis(100))
                .timeout(LIMIT));

        assertThat(client.awaitExit(LIMIT)).as(client.describe()).isZero();
        assertThat(carrier.awaitExit(LIMIT)).as(carrier.describe()).isZero();

        SippMessage invite = carrier.receivedMessages().get(2);
        assertThat(invite.transport()).isEqualTo(transport.name());
        assertThat(invite.requestUri()).hasValueSatisfying(uri -> assertThat(uri).startsWith("sip:+447400123456@"));
        assertThat(invite.header("From")).hasValueSatisfying(from -> assertThat(from).contains("sip:alice@"));
        assertThat(invite.body()).contains("m=audio " + client.mediaPort() + " RTP/AVP 0");
        // The client answered the challenge with alice's MD5 credentials (SIPp speaks no SHA-256).
        assertThat(carrier.receivedMessages().get(0).header("Proxy-Authorization")).isEmpty();
        assertThat(invite.header("Proxy-Authorization")).hasValueSatisfying(credentials -> assertThat(credentials)
                .contains("username=\"alice\"").contains("algorithm=MD5").contains("nc=00000001"));
        assertThat(carrier.receivedMessages()).extracting(m -> m.startLine().split(" ")[0])
                .containsExactly("INVITE", "ACK", "INVITE", "ACK", "BYE");
        assertThat(carrier.sentMessages()).extracting(m -> m.statusCode().orElseThrow())
                .containsExactly(407, 180, 200, 200);
    }

    private SippProcess started(SippProcess.Builder builder) {
        SippProcess process = builder.start();
        processes.add(process);
        return process;
    }
}
