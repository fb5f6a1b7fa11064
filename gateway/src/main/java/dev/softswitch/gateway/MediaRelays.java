package dev.softswitch.gateway;

import dev.softswitch.gateway.config.MediaConfig;
import dev.softswitch.gateway.config.RelayPoolConfig;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaRelayConfig;
import dev.softswitch.media.session.SocketBudget;
import dev.softswitch.media.session.SocketPoolSettings;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the gateway's media relays: one per media address, their sockets together within one budget. */
final class MediaRelays {

    private static final Logger log = LoggerFactory.getLogger(MediaRelays.class);

    private MediaRelays() {
    }

    /**
     * A relay on {@code media.host} and on each of {@code media.moreHosts}, in that order, with the configured
     * port range and socket pool, each added to {@code closeables} as it starts; together they hold at most
     * the sockets the process's open-file limit leaves after {@code socketPool.reserveDescriptors}.
     */
    static List<MediaRelay> start(MediaConfig media, List<AutoCloseable> closeables) {
        RelayPoolConfig pool = media.socketPool();
        long descriptors = RelayPoolConfig.processDescriptorLimit();
        SocketBudget sockets = SocketBudget.of(pool.relaySocketBudget(descriptors));
        pool.descriptorWarning(descriptors, 1 + media.moreHosts().size()).ifPresent(log::warn);
        List<String> hosts = new ArrayList<>(List.of(media.host()));
        hosts.addAll(media.moreHosts());
        List<MediaRelay> relays = new ArrayList<>();
        for (String host : hosts) {
            MediaRelay started = MediaRelay.builder(new MediaRelayConfig(host, media.portMin(), media.portMax(), 1))
                    .socketPool(SocketPoolSettings.DEFAULT.withMaxPairs(pool.maxPairs())
                            .withPrebindPairs(pool.prebindPairs()).withQuarantine(pool.quarantine()))
                    .socketBudget(sockets).start();
            closeables.add(started);
            relays.add(started);
        }
        log.info("media relays on {}: at most {} sockets together ({} file descriptors allowed, {} kept for the rest)",
                hosts, sockets.limit(), descriptors, pool.reserveDescriptors());
        return relays;
    }
}
