package dev.softswitch.gateway.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Writes certificates and keys as PEM files, as an operator's openssl would. */
public final class PemFixtures {

    private PemFixtures() {
    }

    /** Writes each object (an X509Certificate, a PrivateKey) as one PEM block, in order; returns the file. */
    public static Path write(Path file, Object... objects) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                // Keys as PKCS#8 ("BEGIN PRIVATE KEY"), as openssl genpkey writes them.
                pem.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : o);
            }
        }
        return file;
    }
}
