package dev.softswitch.gateway.admin;

import dev.softswitch.charging.account.AccountProfile;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.tariff.Rate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dial pad's question (OPS-2): what would a call from this account to this number cost, per increment
 * with tax, in the account's currency; or why it cannot be called.
 */
final class RateRoutes {

    private final AdminBackend backend;
    private final ChargingEngine engine;
    private final AccountRoutes accounts;

    RateRoutes(AdminBackend backend, AccountRoutes accounts) {
        this.backend = backend;
        this.engine = backend.charging();
        this.accounts = accounts;
    }

    void addTo(ApiRouter router) {
        router.get("/api/v1/accounts/{id}/rate", this::rate);
    }

    private Object rate(ApiRequest r) {
        String number = r.query("number");
        String id = accounts.account(r);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", number);
        AdminBackend.Dialled dialled = backend.dial(id, number);
        out.put("digits", dialled.digits());
        out.put("numberType", dialled.numberType());
        out.put("country", dialled.country());
        if (dialled.refusal() != null) {
            return refused(out, dialled.refusal(), dialled.sipCode());
        }
        AccountProfile profile = engine.accounts().administration().profile(id);
        if (profile.suspended()) {
            return refused(out, "account suspended: " + profile.suspension(), 403);
        }
        String currency = engine.accounts().balance(id).orElseThrow().currency();
        Optional<Rate> found = engine.rates().lookup(dialled.digits());
        if (found.isEmpty()) {
            return refused(out, "no rate for destination " + dialled.digits(), 404);
        }
        Rate rate = found.get();
        if (!rate.currency().equals(currency)) {
            return refused(out, "the rate charges in " + rate.currency() + ", the account holds " + currency, 403);
        }
        out.put("callable", true);
        out.put("destination", rate.destinationName());
        out.put("currency", currency);
        out.put("taxMode", rate.tax().mode().name());
        out.put("taxBasisPoints", rate.tax().basisPoints());
        out.put("initialIncrementSeconds", rate.initialIncrementSeconds());
        out.put("subsequentIncrementSeconds", rate.subsequentIncrementSeconds());
        out.put("pricePerMinute", gross(rate, rate.pricePerMinute()));
        out.put("connectFee", gross(rate, rate.connectFee()));
        out.put("pricePerInitialIncrement", gross(rate, rate.costOfIncrement(rate.initialIncrementSeconds())));
        out.put("pricePerSubsequentIncrement", gross(rate, rate.costOfIncrement(rate.subsequentIncrementSeconds())));
        return out;
    }

    /** The price the customer pays, tax included. */
    private static String gross(Rate rate, Money net) {
        return AccountViews.amount(new Money(rate.tax().grossMicros(net.micros()), net.currency()));
    }

    private static Map<String, Object> refused(Map<String, Object> out, String reason, Integer sipCode) {
        out.put("callable", false);
        out.put("reason", reason);
        out.put("sipCode", sipCode);
        return out;
    }
}
