package dev.softswitch.gateway.admin;

import dev.softswitch.charging.account.AccountProfile;
import dev.softswitch.charging.account.AuditEntry;
import dev.softswitch.charging.account.CreditLot;
import dev.softswitch.charging.account.FairUseStanding;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.account.PlanBalance;
import dev.softswitch.charging.account.Purchase;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of accounts, balances and history: amounts as exact decimal strings in the account's
 * currency, instants as ISO-8601 strings ({@code null} for never).
 */
final class AccountViews {

    private AccountViews() {
    }

    static String amount(Money m) {
        return m.toPlainString();
    }

    static String instant(Instant at) {
        return at == null || at.equals(Instant.MAX) ? null : at.toString();
    }

    /** Where the account stands under the fair-use policy (FUP-2), with its latest actions. */
    static Map<String, Object> fairUse(FairUseStanding f, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean account = f.accountSuspendedAt(now);
        boolean plan = f.planSuspendedAt(now);
        out.put("accountSuspendedUntil", account ? instant(f.accountUntil()) : null);
        out.put("accountSuspendedUntilLifted", account && f.accountUntil().equals(Instant.MAX));
        out.put("accountReason", account ? f.accountReason() : null);
        out.put("planSuspendedUntil", plan ? instant(f.planUntil()) : null);
        out.put("planSuspendedUntilLifted", plan && f.planUntil().equals(Instant.MAX));
        out.put("planReason", plan ? f.planReason() : null);
        out.put("liftedAt", instant(f.liftedAt()));
        List<Map<String, Object>> actions = new ArrayList<>();
        for (FairUseStanding.Action a : f.actions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", instant(a.at()));
            m.put("detector", a.detector());
            m.put("action", a.action());
            m.put("until", instant(a.until()));
            m.put("untilLifted", Instant.MAX.equals(a.until()));
            m.put("reason", a.reason());
            actions.add(m);
        }
        out.put("actions", actions);
        return out;
    }

    /** The account with its balance broken down (OPS-2): lots, coins, plan and package minutes, cap, reserved. */
    static Map<String, Object> account(JournalledAccountStore store, String id, AdminBackend.Identity identity,
                                       Instant now) {
        String currency = store.balance(id).orElseThrow().currency();
        AccountProfile profile = store.administration().profile(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("product", store.productOf(id).orElse(null));
        out.put("currency", currency);
        out.put("number", profile.number() != null || profile.anonymised() ? profile.number() : identity.number());
        out.put("country", profile.country() != null || profile.anonymised() ? profile.country() : identity.country());
        FairUseStanding fairUse = store.administration().fairUse(id);
        boolean fairUseSuspended = fairUse.accountSuspendedAt(now);
        out.put("suspended", profile.suspended() || fairUseSuspended);
        out.put("suspension", profile.suspended() || !fairUseSuspended ? profile.suspension()
                : "fair use: " + fairUse.accountReason());
        out.put("deleted", profile.anonymised());
        out.put("fairUse", fairUse(fairUse, now));
        Map<String, Object> balance = new LinkedHashMap<>();
        balance.put("total", amount(store.balance(id).orElseThrow()));
        balance.put("available", amount(store.available(id)));
        balance.put("reserved", amount(store.reserved(id)));
        List<Map<String, Object>> lots = new ArrayList<>();
        for (CreditLot lot : store.lots(id)) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", lot.lotId());
            l.put("amount", amount(lot.amount()));
            l.put("remaining", amount(lot.remaining()));
            l.put("reserved", amount(lot.reserved()));
            l.put("purchasedAt", instant(lot.purchasedAt()));
            l.put("expiresAt", instant(lot.expiresAt()));
            l.put("channel", lot.channel());
            lots.add(l);
        }
        balance.put("lots", lots);
        long coin = store.coinCreditMicros(id);
        balance.put("coins", coin > 0 ? store.available(id).micros() / coin : null);
        List<Map<String, Object>> plans = new ArrayList<>();
        for (PlanBalance p : store.plans(id)) {
            if (p.expired()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.planId());
            m.put("name", p.product());
            m.put("minutes", p.minutes());
            m.put("minutesLeft", p.minutesLeft());
            m.put("expiresAt", instant(p.expiresAt()));
            m.put("autoRenew", p.autoRenew());
            plans.add(m);
        }
        balance.put("plans", plans);
        balance.put("packageMinutesLeft", store.packageMinutesLeft(id, now));
        balance.put("capSpentThisMonth", amount(store.internationalSpend(id, now)));
        balance.put("forfeited", amount(store.forfeited(id)));
        out.put("balance", balance);
        return out;
    }

    static Map<String, Object> purchase(Purchase p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind());
        m.put("id", p.id());
        m.put("description", p.description());
        m.put("amount", amount(p.amount()));
        m.put("at", instant(p.at()));
        m.put("expiresAt", instant(p.expiresAt()));
        m.put("channel", p.channel());
        return m;
    }

    static Map<String, Object> call(ChargedCall c, String explanation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("callId", c.callId());
        m.put("destination", c.destination());
        m.put("destinationName", c.destinationName());
        m.put("answeredAt", instant(c.answeredAt()));
        m.put("endedAt", instant(c.endedAt()));
        m.put("billedSeconds", c.billedSeconds());
        m.put("planMinutes", c.planMinutes());
        m.put("packageMinutes", c.packageMinutes());
        m.put("amount", amount(new Money(c.amountMicros(), c.currency())));
        m.put("tax", amount(new Money(c.taxMicros(), c.currency())));
        m.put("currency", c.currency());
        m.put("explanation", explanation);
        return m;
    }

    static Map<String, Object> audit(AuditEntry a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", instant(a.at()));
        m.put("by", a.operator());
        m.put("action", a.action());
        m.put("detail", a.detail());
        return m;
    }
}
