package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayConfig;
import dev.softswitch.media.session.MediaTimeouts;
import dev.softswitch.media.session.PortsExhaustedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several relay addresses (issue 14: one address holds a quarter of its port range in calls). */
class MediaRelayPortsTest {

    private final List<MediaRelay> relays = new ArrayList<>();
    private final List<RelayPorts.Handle> handles = new ArrayList<>();

    private MediaRelay relay(String host, int portMin, int portMax) {
        MediaRelay relay = MediaRelay.start(new MediaRelayConfig(host, portMin, portMax, 1));
        relays.add(relay);
        return relay;
    }

    private RelayPorts.Handle allocate(RelayPorts ports, String callId) throws Exception {
        RelayPorts.Handle handle = ports.allocate(callId).get(5, TimeUnit.SECONDS);
        handles.add(handle);
        return handle;
    }

    @AfterEach
    void close() throws Exception {
        for (RelayPorts.Handle h : handles) {
            h.close().get(5, TimeUnit.SECONDS);
        }
        relays.forEach(MediaRelay::close);
    }

    @Test
    void callsTakeTheAddressesInTurnAndGoToTheNextWhenOneHasNoPortsLeft() throws Exception {
        // Room for one call (two port pairs) on 127.0.0.18, for two on 127.0.0.19 (addresses no benchmark binds).
        RelayPorts ports = new MediaRelayPorts(List.of(relay("127.0.0.18", 51900, 51903), relay("127.0.0.19", 51900, 51907)),
                new MediaTimeouts(Duration.ofSeconds(30), Duration.ofHours(2)), true);

        String first = allocate(ports, "c1").clientSideRtp().getAddress().getHostAddress();
        String second = allocate(ports, "c2").clientSideRtp().getAddress().getHostAddress();
        String third = allocate(ports, "c3").clientSideRtp().getAddress().getHostAddress();

        assertThat(List.of(first, second, third)).containsExactly("127.0.0.18", "127.0.0.19", "127.0.0.19");
        assertThatThrownBy(() -> ports.allocate("c4").join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(PortsExhaustedException.class);
    }

    @Test
    void aClientLegMuxesRtcpWhenItsClientAsksUnlessTheOperatorSwitchedItOff() throws Exception {
        MediaTimeouts timeouts = new MediaTimeouts(Duration.ofSeconds(30), Duration.ofHours(2));
        MediaRelay relay = relay("127.0.0.18", 51910, 51921);
        RelayPorts on = new MediaRelayPorts(List.of(relay), timeouts, true);
        RelayPorts off = new MediaRelayPorts(List.of(relay), timeouts, false);

        assertThat(handle(on.allocate("m1", true)).clientRtcpMux()).isTrue();
        assertThat(relay.socketBudget().open()).isEqualTo(3);
        assertThat(handle(on.allocate("m2", false)).clientRtcpMux()).isFalse();
        assertThat(handle(off.allocate("m3", true)).clientRtcpMux()).isFalse();
        assertThat(relay.socketBudget().open()).isEqualTo(3 + 4 + 4);
    }

    private RelayPorts.Handle handle(java.util.concurrent.CompletableFuture<RelayPorts.Handle> allocation)
            throws Exception {
        RelayPorts.Handle handle = allocation.get(5, TimeUnit.SECONDS);
        handles.add(handle);
        return handle;
    }
}
