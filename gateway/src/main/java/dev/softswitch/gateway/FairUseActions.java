package dev.softswitch.gateway;

import dev.softswitch.charging.fairuse.FairUseAction;
import dev.softswitch.charging.product.Product;
import dev.softswitch.charging.product.ProductCatalog;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.b2bua.B2buaHandler;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the gateway does with the charging engine's fair-use actions (FUP-2). */
final class FairUseActions {

    private static final Logger log = LoggerFactory.getLogger(FairUseActions.class);

    private FairUseActions() {
    }

    /**
     * Counts every fair-use action in {@code fair_use_actions_total}, each configured pair from 0, and ends the
     * running calls of an account the moment it is suspended, on the SIP core thread {@code core}, with the 403
     * phrase its next INVITE would get.
     */
    static void watch(ProductCatalog products, ChargingEngine charging, GatewayMetrics metrics, Executor core,
                      B2buaHandler b2bua) {
        for (Product p : products.all()) {
            p.fairUse().actions().forEach(a -> metrics.fairUseAction(a.detector().label(), a.action().label(), false));
        }
        charging.fairUse().listener((account, detector, action, until, reason) -> {
            metrics.fairUseAction(detector.label(), action.label(), true);
            if (action == FairUseAction.SUSPEND_ACCOUNT) {
                String phrase = "Account Suspended: " + charging.fairUseSuspension(account, until, reason);
                core.execute(() -> {
                    int ended = b2bua.hangUpAccount(account, "fair_use_suspended", phrase);
                    if (ended > 0) {
                        log.warn("fair use: ended {} running call(s) of suspended account {}", ended, account);
                    }
                });
            }
        });
    }
}
