package dev.softswitch.gateway.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS contexts of SIP over TLS (RFC 3261 §26.2.1, RFC 5630): TLS 1.2 and 1.3 only, on the JDK's
 * provider. A server context presents one certificate chain; the client context verifies a carrier's
 * certificate and host name against the JDK trust store plus any CA certificates the trunks name.
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
     * A client context for connections the gateway opens: the server's certificate must chain to the
     * JDK's trusted CAs or to one of {@code extraTrust}, and name the host connected to.
     */
    public static SslContext client(List<X509Certificate> extraTrust) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (!extraTrust.isEmpty()) {
            builder.trustManager(trustManager(extraTrust));
        }
        return builder.build();
    }

    private static TrustManagerFactory trustManager(List<X509Certificate> extraTrust) throws SSLException {
        try {
            List<X509Certificate> anchors = new ArrayList<>(List.of(jdkTrustManager().getAcceptedIssuers()));
            anchors.addAll(extraTrust);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new SSLException("cannot build the trust store: " + e, e);
        }
    }

    private static X509TrustManager jdkTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
