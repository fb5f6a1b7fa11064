package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * PEM files as openssl writes them (test resources {@code tls/openssl/}, made with {@code openssl
 * ecparam -genkey}, {@code genrsa -traditional}, {@code req -x509} and {@code pkey -aes256}): the
 * traditional key formats are read as well as PKCS#8.
 */
class PemFilesTest {

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("ec-cert.pem", "ec-sec1-key.pem", "EC"),       // BEGIN EC PRIVATE KEY (SEC 1)
                Arguments.of("rsa-cert.pem", "rsa-pkcs1-key.pem", "RSA"));  // BEGIN RSA PRIVATE KEY (PKCS#1)
    }

    @ParameterizedTest
    @MethodSource("pairs")
    void opensslCertificateAndTraditionalKeyAreRead(String certificate, String key, String algorithm) throws Exception {
        PemFiles.Credentials c = PemFiles.credentials("certificate", file(certificate), "key", file(key));

        assertThat(c.key().getAlgorithm()).isEqualTo(algorithm);
        assertThat(c.chain()).hasSize(1);
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheFix() throws Exception {
        assertThatThrownBy(() -> PemFiles.privateKey("key", file("ec-enc.pem")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("holds an encrypted key (decrypt it, e.g. openssl pkey");
    }

    @Test
    void anRsaKeyForAnEcCertificateIsRefused() throws Exception {
        assertThatThrownBy(() -> PemFiles.credentials("certificate", file("ec-cert.pem"), "key", file("rsa-pkcs1-key.pem")))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("is not the key of the certificate in");
    }

    private static Path file(String name) throws URISyntaxException {
        return Path.of(PemFilesTest.class.getResource("/tls/openssl/" + name).toURI());
    }
}
