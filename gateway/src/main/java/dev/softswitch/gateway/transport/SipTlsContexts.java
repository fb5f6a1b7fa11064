package dev.softswitch.gateway.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of SIP over TLS (RFC 3261 §26.2.1, RFC 5630): TLS 1.2 and 1.3 only, on the JDK's
 * provider. A server context presents one certificate chain; a client context verifies a carrier's
 * certificate and host name against the JDK trust store or the CA certificates its trunk names.
 */
public final class SipTlsContexts {

    /** The protocol versions offered and accepted; TLS 1.0 and 1.1 (RFC 8996) are refused. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private SipTlsContexts() {
    }

    /** A server context for a TLS listen point; clients are not asked for a certificate. */
    public static SslContext server(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .clientAuth(ClientAuth.NONE)
                .build();
    }

    /**
     * A client context for connections the gateway opens: the server's certificate must chain to one
     * of {@code trustAnchors} (a trunk's own CA), or to the JDK's trusted CAs when none are given, and
     * name the host connected to.
     */
    public static SslContext client(List<X509Certificate> trustAnchors) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (!trustAnchors.isEmpty()) {
            builder.trustManager(trustAnchors.toArray(X509Certificate[]::new));
        }
        return builder.build();
    }
}
