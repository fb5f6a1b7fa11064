package dev.softswitch.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.gateway.testing.PemFixtures;
import dev.softswitch.gateway.transport.DemoCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tls listen point's PEM files and a tls trunk's CA file: read beside the configuration file, refused with their line. */
class TlsConfigTest {

    private static final String CONFIG = """
            sip:
              listen:
                - { transport: udp, host: 127.0.0.1, port: 5060 }
                - { transport: tls, host: 127.0.0.1, port: 5061, certificate: %s, key: %s }
            http: { host: 127.0.0.1, port: 8080 }
            media: { host: 127.0.0.1, portMin: 30000, portMax: 39999 }
            trunks:
              - { name: carrier, host: 127.0.0.1, port: 5081, transport: tls, prefixes: [""], ca: %s }
            charging:
              currency: USD
              rates: [{ prefix: "44", destination: UK, perMinute: "0.0250", increments: 60/60 }]
              accounts: [{ id: alice, balance: "10.00" }]
            cdr: { file: ./calls.jsonl }
            """;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void writePemFiles() throws IOException {
        DemoCertificate gateway = DemoCertificate.generate("127.0.0.1", Instant.now());
        PemFixtures.write(dir.resolve("cert.pem"), gateway.certificate());
        PemFixtures.write(dir.resolve("key.pem"), gateway.key());
        PemFixtures.write(dir.resolve("carrier-ca.pem"), DemoCertificate.generate("carrier.example", Instant.now()).certificate());
        file = dir.resolve("gateway.yaml");
    }

    @Test
    void pemFilesAreReadRelativeToTheConfigurationFile() throws IOException {
        Files.writeString(file, CONFIG.formatted("cert.pem", "key.pem", "carrier-ca.pem"));

        GatewayConfig c = GatewayConfig.load(file);

        assertThat(c.sip().listen().get(1)).isEqualTo(new ListenConfig("tls", "127.0.0.1", 5061, "cert.pem", "key.pem"));
        assertThat(c.sip().listen().get(1).needsDemoCertificate()).isFalse();
        assertThat(c.sip().sdesWithoutTls()).as("SDES over TLS only unless asked").isFalse();
        assertThat(c.trunks().get(0).ca()).isEqualTo("carrier-ca.pem");
    }

    @Test
    void missingCertificateIsRefusedWithItsLineAndPath() throws IOException {
        Files.writeString(file, CONFIG.formatted("missing.pem", "key.pem", "carrier-ca.pem"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4:67: sip.listen[1].certificate: " + dir.resolve("missing.pem")
                        + " does not exist (check the path; a relative one is read beside the configuration file)");
    }

    @Test
    void aFileWithoutCertificateIsRefused() throws IOException {
        Files.writeString(file, CONFIG.formatted("key.pem", "key.pem", "carrier-ca.pem"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":4:67: sip.listen[1].certificate: " + dir.resolve("key.pem")
                        + " holds no certificate (give a PEM file with -----BEGIN CERTIFICATE-----");
    }

    @Test
    void garbageKeyIsRefusedAtTheKeyLine() throws IOException {
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
        Files.writeString(file, CONFIG.formatted("cert.pem", "garbage.pem", "carrier-ca.pem"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":4:82: sip.listen[1].key: ");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws IOException {
        PemFixtures.write(dir.resolve("other-key.pem"), DemoCertificate.generate("127.0.0.1", Instant.now()).key());
        Files.writeString(file, CONFIG.formatted("cert.pem", "other-key.pem", "carrier-ca.pem"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":4:82: sip.listen[1].key: " + dir.resolve("other-key.pem")
                        + " is not the key of the certificate in " + dir.resolve("cert.pem")
                        + " (give the private key the certificate was issued for)");
    }

    @Test
    void missingTrunkCaIsRefusedAtItsLine() throws IOException {
        Files.writeString(file, CONFIG.formatted("cert.pem", "key.pem", "nowhere/ca.pem"));

        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":8:87: trunks[0].ca: " + dir.resolve("nowhere/ca.pem") + " does not exist");
    }

    @Test
    void caOnlyOnATlsTrunk() {
        assertThatThrownBy(() -> new TrunkConfig("c", "h", 5060, "udp", java.util.List.of(""), 0, 1, null, 0, 0,
                "e164", "", "both", null, java.util.List.of(), true, false, "ca.pem"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("ca: only a tls trunk verifies a certificate (remove ca, or use transport: tls)");
    }
}
