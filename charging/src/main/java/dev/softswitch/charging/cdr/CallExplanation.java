package dev.softswitch.charging.cdr;

import dev.softswitch.charging.money.Money;

import java.time.Instant;
import java.util.List;

/** Writes why a call cost what it cost, line by line, for the customer or an operator handling a dispute. */
public final class CallExplanation {

    private CallExplanation() {
    }

    public static String explain(ChargedCall c, List<Adjustment> adjustments) {
        String cur = c.currency();
        StringBuilder sb = new StringBuilder();
        sb.append("Call ").append(c.callId()).append(" to +").append(c.destination()).append(" (")
                .append(c.destinationName()).append(")\n");
        sb.append("  answered ").append(c.answeredAt()).append(", ended ").append(c.endedAt()).append(", lasted ")
                .append(seconds(c.durationMillis())).append(" s, billed ").append(c.billedSeconds()).append(" s\n");
        sb.append("  rate: deck '").append(c.deck()).append("', prefix ").append(c.ratePrefix().isEmpty() ? "(default)"
                : c.ratePrefix()).append(", ").append(plain(c.pricePerMinuteMicros(), cur)).append(" per minute, ")
                .append(c.initialIncrement()).append("/").append(c.subsequentIncrement()).append(" s increments, tax ")
                .append(percent(c.taxBasisPoints())).append(' ').append(c.taxMode().toLowerCase()).append('\n');
        for (ChargedCall.PlanUse use : c.planUses()) {
            sb.append("  30-day plan ").append(use.planId()).append(": ").append(use.minutes())
                    .append(" minute(s) used, every started minute counted\n");
        }
        if (c.packageMinutes() > 0) {
            sb.append("  package free minutes: ").append(c.packageMinutes()).append(" used\n");
        }
        if (c.connectFeeMicros() > 0) {
            sb.append("  connect fee: ").append(plain(c.connectFeeMicros(), cur)).append('\n');
        }
        sb.append("  credit increments: ").append(c.creditIncrements()).append(", net ")
                .append(plain(c.netMicros(), cur)).append('\n');
        sb.append("  tax ").append(c.taxMode().equals("ADDED") ? "added" : "included").append(": ")
                .append(plain(c.taxMicros(), cur)).append('\n');
        if (c.coinRounded()) {
            sb.append("  coin wallet: rounded up to an even number of credits\n");
        }
        if (c.clamped()) {
            sb.append("  the call outlasted its paid time; only the paid time was charged\n");
        }
        sb.append("  charged: ").append(plain(c.amountMicros(), cur)).append('\n');
        for (ChargedCall.LotDebit d : c.lotDebits()) {
            sb.append("    from credit lot ").append(d.lotId()).append(": ").append(plain(d.micros(), cur)).append('\n');
        }
        long total = c.amountMicros();
        for (Adjustment a : adjustments) {
            sb.append("  adjusted ").append(a.at()).append(": ").append(a.amount().negate().toPlainString())
                    .append(' ').append(cur).append(" (").append(a.reason()).append(")\n");
            total -= a.amount().micros();
        }
        if (!adjustments.isEmpty()) {
            sb.append("  net after adjustments: ").append(plain(total, cur)).append('\n');
        }
        return sb.toString();
    }

    private static String plain(long micros, String currency) {
        return new Money(micros, currency).toPlainString() + " " + currency;
    }

    private static String seconds(long millis) {
        return new Money(millis * 1000, "XXX").toPlainString();
    }

    private static String percent(int basisPoints) {
        return new Money(basisPoints * 100L, "XXX").toPlainString() + "%";
    }

    static String iso(Instant i) {
        return i == null ? "-" : i.toString();
    }
}
