package dev.softswitch.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** One demo certificate for 127.0.0.1 per test JVM, its server context and a client context that trusts it. */
final class TlsTestCertificates {

    static final DemoCertificate GATEWAY = DemoCertificate.generate("127.0.0.1", Instant.now());

    private TlsTestCertificates() {
    }

    static SslContext server() throws SSLException {
        return SipTlsContexts.server(GATEWAY.key(), List.of(GATEWAY.certificate()));
    }

    static SslContext trustingClient() throws SSLException {
        return SipTlsContexts.client(List.of(GATEWAY.certificate()));
    }

    /** A JDK context that presents the demo certificate and trusts only it: a plain Java TLS peer for tests. */
    static SSLContext jdkContext() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("demo", GATEWAY.key(), new char[0], new Certificate[] {GATEWAY.certificate()});
        store.setCertificateEntry("trusted", GATEWAY.certificate());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /**
     * A TLS record holding a minimal ClientHello that offers {@code 3.minor} (1 = TLS 1.0, 2 = TLS 1.1)
     * and nothing newer: no supported_versions extension (RFC 8446 §4.2.1), two RSA CBC suites.
     */
    static ByteBuf oldClientHello(int minor) {
        ByteBuf hello = Unpooled.buffer();
        hello.writeByte(3).writeByte(minor);          // client_version
        hello.writeZero(32);                          // random
        hello.writeByte(0);                           // session_id: empty
        hello.writeShort(4).writeShort(0x002f).writeShort(0x0035); // TLS_RSA_WITH_AES_128/256_CBC_SHA
        hello.writeByte(1).writeByte(0);              // compression: null
        ByteBuf record = Unpooled.buffer();
        record.writeByte(22).writeByte(3).writeByte(1);           // handshake record, legacy version 3.1
        record.writeShort(4 + hello.readableBytes());
        record.writeByte(1).writeMedium(hello.readableBytes());   // ClientHello
        record.writeBytes(hello);
        hello.release();
        return record;
    }
}
