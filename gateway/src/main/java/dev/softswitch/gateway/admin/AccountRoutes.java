package dev.softswitch.gateway.admin;

import dev.softswitch.charging.account.AdjustmentRefusedException;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.ChargingEngine;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The account operations of the admin API (OPS-2): create, read, suspend, resume, delete (ACC-4), purchases,
 * adjustments (ACC-2) and history (ACC-1). Each reads and checks all its input first (400 naming the field),
 * then changes the account and journals who did it.
 */
final class AccountRoutes {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final AdminBackend backend;
    private final ChargingEngine engine;
    private final JournalledAccountStore store;

    AccountRoutes(AdminBackend backend) {
        this.backend = backend;
        this.engine = backend.charging();
        this.store = engine.accounts();
    }

    void addTo(ApiRouter router) {
        router.post("/api/v1/accounts", this::create)
                .get("/api/v1/accounts/{id}", r -> view(account(r)))
                .delete("/api/v1/accounts/{id}", this::delete)
                .post("/api/v1/accounts/{id}/suspend", r -> suspend(r, true))
                .post("/api/v1/accounts/{id}/resume", r -> suspend(r, false))
                .post("/api/v1/accounts/{id}/credit", this::credit)
                .post("/api/v1/accounts/{id}/coins", this::coins)
                .post("/api/v1/accounts/{id}/plans", this::plan)
                .post("/api/v1/accounts/{id}/packages", this::subscribe)
                .post("/api/v1/accounts/{id}/adjustments", this::adjust)
                .get("/api/v1/accounts/{id}/history", this::history)
                .get("/api/v1/accounts/{id}/calls/{callId}", this::call);
    }

    private Object create(ApiRequest r) {
        String id = r.text("id");
        if (!ACCOUNT_ID.matcher(id).matches()) {
            throw ApiException.badRequest("id", "id must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String product = r.text("product");
        String number = r.text("number");
        if (!E164.matcher(number).matches()) {
            throw ApiException.badRequest("number", "number must be E.164 with '+', e.g. +447400000001");
        }
        String country = r.optionalText("country").orElse(null);
        if (country != null && !COUNTRY.matcher(country).matches()) {
            throw ApiException.badRequest("country", "country must be an ISO 3166 alpha-2 code, e.g. GB");
        }
        ZoneId zone = r.optionalText("timeZone").map(AccountRoutes::zone).orElse(null);
        String password = r.text("password");
        if (password.length() < 8) {
            throw ApiException.badRequest("password", "password must have at least 8 characters");
        }
        if (store.account(id).isPresent()) {
            throw ApiException.conflict("account '" + id + "' already exists");
        }
        try {
            backend.openAccount(id, product, zone);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("product", e.getMessage());
        }
        store.administration().recordProfile(id, r.caller().name(), number, country,
                backend.passwordHashes(id, password));
        store.administration().audit(id, r.caller().name(), "create-account", "product " + product);
        backend.subscribersChanged();
        return ApiResponse.created(view(id));
    }

    private Object delete(ApiRequest r) {
        String id = account(r);
        store.administration().anonymise(id, r.caller().name());
        backend.subscribersChanged();
        int records = backend.forget(id);
        store.administration().audit(id, r.caller().name(), "delete-account", "personal data removed (ACC-4), "
                + records + " call records anonymised");
        Map<String, Object> out = view(id);
        out.put("callRecordsAnonymised", records);
        return out;
    }

    private Object suspend(ApiRequest r, boolean suspend) {
        String reason = r.text("reason");
        String id = account(r);
        try {
            if (suspend) {
                store.administration().suspend(id, r.caller().name(), reason);
            } else {
                store.administration().resume(id, r.caller().name(), reason);
            }
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        return view(id);
    }

    private Object credit(ApiRequest r) {
        String text = r.text("amount");
        Long days = r.optionalLong("validityDays").orElse(null);
        if (days != null && (days < 1 || days > 36_500)) {
            throw ApiException.badRequest("validityDays", "validityDays must be 1 to 36500 (leave out: never expires)");
        }
        String channel = r.optionalText("channel").orElse("api");
        String id = account(r);
        Money amount = money(id, text, "amount");
        refuseIfNotForSale(id);
        if (!amount.isPositive()) {
            throw ApiException.badRequest("amount", "amount must be positive");
        }
        long lot;
        try {
            lot = days == null ? engine.purchaseCredit(id, amount, channel)
                    : engine.purchaseCredit(id, amount, channel, Duration.ofDays(days));
        } catch (IllegalStateException e) {
            throw ApiException.conflict(e.getMessage());
        }
        store.administration().audit(id, r.caller().name(), "purchase-credit",
                "lot " + lot + ": " + amount + (days == null ? "" : " for " + days + " days"));
        return ApiResponse.created(view(id));
    }

    private Object coins(ApiRequest r) {
        long coins = r.optionalLong("coins").orElseThrow(() -> ApiException.badRequest("coins", "coins is required"));
        if (coins < 1 || coins > 1_000_000) {
            throw ApiException.badRequest("coins", "coins must be 1 to 1000000");
        }
        String id = account(r);
        return sold(r, id, "purchase-coins", coins + " coins", () -> engine.purchaseCoins(id, coins, "api"));
    }

    private Object plan(ApiRequest r) {
        String plan = r.text("plan");
        boolean autoRenew = r.bool("autoRenew", false);
        String id = account(r);
        return sold(r, id, "purchase-plan", plan + (autoRenew ? " (auto-renew)" : ""),
                () -> engine.purchasePlan(id, plan, autoRenew));
    }

    private Object subscribe(ApiRequest r) {
        String pkg = r.text("package");
        String id = account(r);
        return sold(r, id, "subscribe-package", pkg, () -> {
            engine.subscribePackage(id, pkg);
            return 0L;
        });
    }

    /** Runs a sale of the account's product: 409 naming why it is refused (no such plan, sales ended). */
    private Object sold(ApiRequest r, String id, String action, String detail, java.util.function.LongSupplier sale) {
        refuseIfNotForSale(id);
        try {
            sale.getAsLong();
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            throw ApiException.conflict(e.getMessage());
        }
        store.administration().audit(id, r.caller().name(), action, detail);
        return ApiResponse.created(view(id));
    }

    /** 409 when nothing may be sold to {@code id} now: sales ended, or suspended in its country (RTE-3, RTE-6). */
    private void refuseIfNotForSale(String id) {
        backend.salesRefusal(id).ifPresent(why -> {
            throw ApiException.conflict("account '" + id + "': " + why);
        });
    }

    private Object adjust(ApiRequest r) {
        String callId = r.text("callId");
        String text = r.text("amount");
        String reason = r.text("reason");
        String id = account(r);
        Money amount = money(id, text, "amount");
        try {
            store.operatorActions().adjust(id, callId, amount, reason + " (by " + r.caller().name() + ")",
                    engine.clock().instant());
        } catch (AdjustmentRefusedException e) {
            throw ApiException.conflict(e.getMessage());
        }
        store.administration().audit(id, r.caller().name(), "adjust", callId + ": " + amount + ": " + reason);
        return ApiResponse.created(call(id, callId));
    }

    private Object history(ApiRequest r) {
        String id = account(r);
        Instant to = r.optionalQuery("to").map(t -> instant("to", t)).orElse(Instant.MAX);
        Instant from = r.optionalQuery("from").map(t -> instant("from", t))
                .orElse(engine.clock().instant().minus(engine.historyPeriod()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("purchases", store.purchases(id, from, to).stream().map(AccountViews::purchase).toList());
        out.put("usage", store.usage(id, from, to).stream()
                .map(c -> AccountViews.call(c, engine.explain(id, c.callId()).orElse(null))).toList());
        out.put("audit", store.administration().auditTrail(id).stream().map(AccountViews::audit).toList());
        return out;
    }

    private Object call(ApiRequest r) {
        return call(account(r), r.path("callId"));
    }

    private Map<String, Object> call(String id, String callId) {
        ChargedCall c = store.call(id, callId).orElseThrow(() -> ApiException.notFound("account '" + id
                + "' has no settled call '" + callId + "'"));
        Map<String, Object> out = AccountViews.call(c, engine.explain(id, callId).orElse(null));
        out.put("adjustments", store.adjustments(id, callId).stream().map(a -> Map.of("amount",
                AccountViews.amount(a.amount()), "reason", a.reason(), "at", a.at().toString())).toList());
        return out;
    }

    /** The account named by the path, or 404. */
    String account(ApiRequest r) {
        String id = r.path("id");
        if (store.account(id).isEmpty()) {
            throw ApiException.notFound("no account '" + id + "'");
        }
        return id;
    }

    Map<String, Object> view(String id) {
        return AccountViews.account(store, id, backend.identity(id), engine.clock().instant());
    }

    Money money(String accountId, String text, String field) {
        String currency = store.balance(accountId).orElseThrow().currency();
        try {
            return Money.parse(text, currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, field + ": " + e.getMessage() + " (use a decimal string in "
                    + currency + ", e.g. \"10.00\")");
        }
    }

    private static ZoneId zone(String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw ApiException.badRequest("timeZone", "timeZone '" + text + "' is not a zone id (e.g. Asia/Tokyo)");
        }
    }

    private static Instant instant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw ApiException.badRequest(field, field + " must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z");
        }
    }
}
