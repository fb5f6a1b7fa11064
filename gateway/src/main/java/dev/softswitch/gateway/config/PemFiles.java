package dev.softswitch.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads the PEM files of TLS (a listen point's certificate chain and private key, a trunk's CA
 * certificates) with BouncyCastle's PEM parser, on the JDK's own crypto providers. Every refusal is an
 * {@link InvalidValueException} on the key that named the file, so the loader can point at its line.
 */
public final class PemFiles {

    private static final byte[] PROBE = "softswitch key check".getBytes(StandardCharsets.US_ASCII);

    private PemFiles() {
    }

    /** A certificate chain and the private key of its first certificate. */
    public record Credentials(PrivateKey key, List<X509Certificate> chain) {
        public Credentials {
            chain = List.copyOf(chain);
        }
    }

    /** Reads {@code certificate} and {@code key} and checks that the key belongs to the first certificate. */
    public static Credentials credentials(String certificateField, Path certificate, String keyField, Path key) {
        List<X509Certificate> chain = certificates(certificateField, certificate);
        PrivateKey privateKey = privateKey(keyField, key);
        if (!signsFor(privateKey, chain.get(0))) {
            throw new InvalidValueException(keyField, key + " is not the key of the certificate in " + certificate
                    + " (give the private key the certificate was issued for)");
        }
        return new Credentials(privateKey, chain);
    }

    /** Every certificate in a PEM file, in file order; at least one. */
    public static List<X509Certificate> certificates(String field, Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(field, file)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new InvalidValueException(field, file + " holds a certificate Java cannot read: "
                            + e.getMessage() + " (give a PEM X.509 certificate)");
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new InvalidValueException(field, file + " holds no certificate"
                    + " (give a PEM file with -----BEGIN CERTIFICATE-----, e.g. made by openssl req -x509)");
        }
        return certificates;
    }

    /** The one private key in a PEM file (PKCS#8, or PKCS#1 RSA / SEC 1 EC), not encrypted. */
    public static PrivateKey privateKey(String field, Path file) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(field, file)) {
            try {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            } catch (IOException e) {
                throw new InvalidValueException(field, file + " holds a key Java cannot use: " + e.getMessage()
                        + " (give an RSA, EC or Ed25519 key)");
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new InvalidValueException(field, file + " holds an encrypted key"
                        + " (decrypt it, e.g. openssl pkey -in key.pem -out plain-key.pem, and keep that file private)");
            }
        }
        throw new InvalidValueException(field, file + " holds no private key"
                + " (give a PEM file with -----BEGIN PRIVATE KEY-----)");
    }

    private static List<Object> objects(String field, Path file) {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new InvalidValueException(field, file + " does not exist"
                    + " (check the path; a relative one is read beside the configuration file)");
        } catch (IOException | RuntimeException e) {
            throw new InvalidValueException(field, "cannot read " + file + ": " + e.getMessage()
                    + " (give a readable PEM file)");
        }
        return objects;
    }

    /** Whether {@code key} makes signatures that {@code certificate}'s public key verifies. */
    private static boolean signsFor(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // no probe for this algorithm: the TLS handshake is the check
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
