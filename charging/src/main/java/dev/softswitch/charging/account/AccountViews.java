package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Read-only views of one account's lots, plans and history, taken under its monitor. */
final class AccountViews {

    private AccountViews() {
    }

    static List<CreditLot> lots(AccountState s) {
        synchronized (s) {
            List<CreditLot> out = new ArrayList<>(s.lots.size());
            for (Lot l : s.lots) {
                out.add(new CreditLot(l.id, s.money(l.original), s.money(l.remaining), s.money(l.held), l.purchasedAt,
                        l.expiresAt, l.channel));
            }
            return out;
        }
    }

    static List<PlanBalance> plans(AccountState s) {
        synchronized (s) {
            List<PlanBalance> out = new ArrayList<>();
            for (PlanState p : s.plans) {
                out.add(new PlanBalance(p.id, p.product, p.prefixes, p.minutes, p.expired ? 0 : p.remaining - p.held,
                        s.money(p.price), p.purchasedAt, p.expiresAt, p.autoRenew, p.expired));
            }
            return out;
        }
    }

    static List<Purchase> purchases(AccountState s, Instant from, Instant to) {
        synchronized (s) {
            return s.purchases.stream().filter(p -> !p.at().isBefore(from) && p.at().isBefore(to)).toList();
        }
    }

    static List<ChargedCall> usage(AccountState s, Instant from, Instant to) {
        synchronized (s) {
            return s.usage.stream().filter(c -> !c.endedAt().isBefore(from) && c.endedAt().isBefore(to)).toList();
        }
    }

    static Optional<ChargedCall> call(AccountState s, String callId) {
        synchronized (s) {
            for (int i = s.usage.size() - 1; i >= 0; i--) {
                if (s.usage.get(i).callId().equals(callId)) {
                    return Optional.of(s.usage.get(i));
                }
            }
            return Optional.empty();
        }
    }

    static List<Adjustment> adjustments(AccountState s, String callId) {
        synchronized (s) {
            return s.adjustments.stream().filter(a -> a.callId().equals(callId)).toList();
        }
    }

    /** The call {@code callId} as settled at or after {@code since}, or null; the caller holds {@code s}'s monitor. */
    static ChargedCall settledCall(AccountState s, String callId, Instant since) {
        for (int i = s.usage.size() - 1; i >= 0; i--) {
            ChargedCall c = s.usage.get(i);
            if (c.endedAt() != null && c.endedAt().isBefore(since)) {
                return null;
            }
            if (c.callId().equals(callId)) {
                return c;
            }
        }
        return null;
    }
}
