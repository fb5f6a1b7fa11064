package dev.softswitch.gateway;

import dev.softswitch.charging.account.AccountProfile;
import dev.softswitch.gateway.account.Subscriber;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.auth.DigestAlgorithm;
import dev.softswitch.gateway.auth.DigestCredentials;
import dev.softswitch.gateway.config.AccountConfig;
import dev.softswitch.gateway.config.GatewayConfig;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the subscriber directory: the configured accounts, then every profile the admin API journalled in
 * charging (an account created through the API; a deleted account is dropped), so that an account created
 * through the API can call at once and after a restart.
 */
final class SubscriberDirectories {

    private static final Logger log = LoggerFactory.getLogger(SubscriberDirectories.class);

    private SubscriberDirectories() {
    }

    static SubscriberDirectory of(GatewayConfig config, Map<String, AccountProfile> profiles) {
        Map<String, Subscriber> byId = new LinkedHashMap<>();
        for (AccountConfig a : config.charging().accounts()) {
            Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
            if (a.ha1Sha256() != null) {
                ha1.put(DigestAlgorithm.SHA_256, a.ha1Sha256());
            }
            if (a.ha1Md5() != null) {
                ha1.put(DigestAlgorithm.MD5, a.ha1Md5());
            }
            if (ha1.isEmpty()) {
                log.warn("account {} has no password hash: it cannot place calls (java -jar gateway.jar"
                        + " hash-password {})", a.id(), a.id());
            }
            byId.put(a.id(), new Subscriber(a.id(), a.number(), a.country(), new DigestCredentials(ha1)));
        }
        profiles.forEach((id, p) -> {
            if (p.anonymised()) {
                byId.remove(id);
            } else if (!p.ha1().isEmpty()) {
                Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
                p.ha1().forEach((algorithm, hash) -> DigestAlgorithm.ofToken(algorithm)
                        .ifPresent(a -> ha1.put(a, hash)));
                byId.put(id, new Subscriber(id, p.number(), p.country(), new DigestCredentials(ha1)));
            }
        });
        return new SubscriberDirectory(List.copyOf(byId.values()));
    }
}
