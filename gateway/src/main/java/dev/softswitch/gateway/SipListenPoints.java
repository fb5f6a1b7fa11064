package dev.softswitch.gateway;

import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import dev.softswitch.gateway.config.InvalidValueException;
import dev.softswitch.gateway.config.ListenConfig;
import dev.softswitch.gateway.config.PemFiles;
import dev.softswitch.gateway.config.TcpConfig;
import dev.softswitch.gateway.config.TrunkConfig;
import dev.softswitch.gateway.transport.ConnectionLimits;
import dev.softswitch.gateway.transport.DemoCertificate;
import dev.softswitch.gateway.transport.ListenPoint;
import dev.softswitch.gateway.transport.SipTlsClients;
import dev.softswitch.gateway.transport.SipTlsContexts;
import dev.softswitch.gateway.transport.TransportType;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's sockets and TLS contexts from the configuration (RFC 3261 §26): a TLS listen point
 * presents the PEM files it names (already checked at load) or a self-signed demo certificate made
 * now; a connection to a carrier trusts its trunk's {@code ca}, or else the JDK's CAs.
 */
final class SipListenPoints {

    private static final Logger log = LoggerFactory.getLogger(SipListenPoints.class);

    private SipListenPoints() {
    }

    /** The listen points of {@code config}, its files read relative to {@code baseDir}; {@code source} names it in errors. */
    static List<ListenPoint> of(GatewayConfig config, Path baseDir, String source, Instant now) throws SSLException {
        List<ListenPoint> listen = new ArrayList<>();
        for (ListenConfig l : config.sip().listen()) {
            TransportType type = TransportType.parse(l.transport());
            if (type != TransportType.TLS) {
                listen.add(new ListenPoint(type, l.host(), l.port()));
            } else if (l.needsDemoCertificate()) {
                DemoCertificate demo = DemoCertificate.generate(l.host(), now);
                log.warn("TLS {}:{} has no certificate: generated a self-signed demo certificate ({}, valid until {});"
                        + " give certificate: and key: files for anything but a loopback demo",
                        l.host(), l.port(), demo.certificate().getSubjectX500Principal(), demo.certificate().getNotAfter());
                listen.add(ListenPoint.tls(l.host(), l.port(), SipTlsContexts.server(demo.key(), List.of(demo.certificate()))));
            } else {
                PemFiles.Credentials credentials = read(source, () -> PemFiles.credentials(
                        "certificate", baseDir.resolve(l.certificate()), "key", baseDir.resolve(l.key())));
                listen.add(ListenPoint.tls(l.host(), l.port(), SipTlsContexts.server(credentials.key(), credentials.chain())));
            }
        }
        return listen;
    }

    /** The transport's bounds on TCP and TLS connections from the {@code sip.tcp} section. */
    static ConnectionLimits connectionLimits(TcpConfig tcp) {
        return new ConnectionLimits(tcp.maxConnections(), tcp.maxPerAddress(), tcp.idleTimeout(), tcp.messageTimeout());
    }

    /**
     * The contexts of TLS connections to carriers: a trunk with {@code ca} trusts that CA and nothing
     * else; every other server must chain to the JDK's trusted CAs.
     */
    static SipTlsClients tlsClients(GatewayConfig config, Path baseDir, String source) throws SSLException {
        Map<InetSocketAddress, SslContext> byPeer = new HashMap<>();
        for (TrunkConfig t : config.trunks()) {
            if (t.ca() != null) {
                List<X509Certificate> ca = read(source, () -> PemFiles.certificates("ca", baseDir.resolve(t.ca())));
                byPeer.put(new InetSocketAddress(t.host(), t.port()), SipTlsContexts.client(ca));
            }
        }
        return new SipTlsClients(SipTlsContexts.client(List.of()), byPeer);
    }

    /** Reads a file the configuration names; one changed since the configuration was checked refuses the start. */
    private static <T> T read(String source, Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidValueException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }
}
