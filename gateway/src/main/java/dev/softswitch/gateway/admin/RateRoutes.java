package dev.softswitch.gateway.admin;

import dev.softswitch.charging.account.AccountProfile;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.DenialReason;
import dev.softswitch.charging.session.Quote;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dial pad's question (OPS-2): what would a call from this account to this number cost, per increment
 * with tax, in the account's currency ({@link ChargingEngine#quote}); or why it cannot be called (the number
 * plan, availability, suspension, no rate).
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
        Quote quote = engine.quote(id, dialled.digits());
        if (quote instanceof Quote.Unpriced u) {
            return refused(out, u.message(), u.reason() == DenialReason.NO_RATE ? 404 : 403);
        }
        Quote.Priced p = (Quote.Priced) quote;
        out.put("callable", true);
        out.put("product", p.product());
        out.put("destination", p.destination());
        out.put("currency", p.perMinute().currency());
        out.put("taxMode", p.tax().mode().name());
        out.put("taxBasisPoints", p.tax().basisPoints());
        out.put("initialIncrementSeconds", p.initialSeconds());
        out.put("subsequentIncrementSeconds", p.subsequentSeconds());
        out.put("pricePerMinute", AccountViews.amount(p.perMinute()));
        out.put("connectFee", AccountViews.amount(p.connectFee()));
        out.put("priceOfFirstIncrement", AccountViews.amount(p.firstIncrement()));
        out.put("pricePerSubsequentIncrement", AccountViews.amount(p.nextIncrement()));
        return out;
    }

    private static Map<String, Object> refused(Map<String, Object> out, String reason, Integer sipCode) {
        out.put("callable", false);
        out.put("reason", reason);
        out.put("sipCode", sipCode);
        return out;
    }
}
