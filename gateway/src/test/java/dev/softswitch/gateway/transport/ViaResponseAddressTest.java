package dev.softswitch.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.header.Via;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Where a response goes by its Via, without ever asking DNS (issue 11: nothing on an input path resolves a name). */
class ViaResponseAddressTest {

    private static Via via(String host, int port, String received) throws Exception {
        Via via = new Via();
        via.setTransport("UDP");
        via.setHost(host);
        if (port > 0) {
            via.setPort(port);
        }
        via.setBranch("z9hG4bK-via-address");
        if (received != null) {
            via.setReceived(received);
        }
        return via;
    }

    @Test
    void receivedWinsOverTheSentByHost() throws Exception {
        assertThat(ViaResponseAddress.resolve(via("client.example.invalid", 5070, "192.0.2.7")))
                .isEqualTo(new InetSocketAddress("192.0.2.7", 5070));
    }

    @Test
    void aLiteralSentByIsUsedAsItIsIpv6Too() throws Exception {
        assertThat(ViaResponseAddress.resolve(via("192.0.2.8", 0, null))).isEqualTo(new InetSocketAddress("192.0.2.8", 5060));
        assertThat(ViaResponseAddress.resolve(via("[2001:db8::1]", 5062, null)).getAddress().getHostAddress())
                .isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void aHostNameWithoutReceivedIsRefusedNotLookedUp() throws Exception {
        // a name that would stall the input thread on a slow resolver: refused, whatever DNS would say (a lookup
        // would have given an unresolved address, not this refusal)
        assertThatThrownBy(() -> ViaResponseAddress.resolve(via("slow-resolver.example.invalid", 5060, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slow-resolver.example.invalid is not an IP address");
        assertThatThrownBy(() -> ViaResponseAddress.resolve(via("999.1.1.1", 5060, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
