package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.AccountOpened;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.FairUseActed;
import dev.softswitch.charging.event.JournalEvent.Adjusted;
import dev.softswitch.charging.event.JournalEvent.Anonymised;
import dev.softswitch.charging.event.JournalEvent.OperatorActed;
import dev.softswitch.charging.event.JournalEvent.ProfileRecorded;
import dev.softswitch.charging.event.JournalEvent.SuspensionChanged;
import dev.softswitch.charging.event.JournalEvent.LotForfeited;
import dev.softswitch.charging.event.JournalEvent.LotPurchased;
import dev.softswitch.charging.event.JournalEvent.PackageSubscribed;
import dev.softswitch.charging.event.JournalEvent.PlanExpired;
import dev.softswitch.charging.event.JournalEvent.PlanPurchased;
import dev.softswitch.charging.event.JournalEvent.Refunded;
import dev.softswitch.charging.event.JournalEvent.Released;
import dev.softswitch.charging.event.JournalEvent.Reserved;
import dev.softswitch.charging.event.JournalEvent.Settled;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Binary form of {@link JournalEvent}s (and of the values snapshots share with them): a tag byte, then fields. */
public final class JournalCodec {

    private static final byte ACCOUNT_OPENED = 1;
    private static final byte LOT_PURCHASED = 2;
    private static final byte LOT_FORFEITED = 3;
    private static final byte RESERVED = 4;
    private static final byte SETTLED = 5;
    private static final byte RELEASED = 6;
    private static final byte PLAN_PURCHASED = 7;
    private static final byte PLAN_EXPIRED = 8;
    private static final byte PACKAGE_SUBSCRIBED = 9;
    private static final byte ADJUSTED = 10;
    private static final byte REFUNDED = 11;
    // 40-49: the admin API's events (OPS-2)
    private static final byte PROFILE_RECORDED = 40;
    private static final byte SUSPENSION_CHANGED = 41;
    private static final byte ANONYMISED = 42;
    private static final byte OPERATOR_ACTED = 43;
    private static final byte FAIR_USE_ACTED = 44;
    /** {@link AccountOpened} with its product; tag 1 is the older form without one. */
    private static final byte ACCOUNT_OPENED_IN_PRODUCT = 20;
    /** A settlement whose call lists every plan that paid (issue 12); tag 5 journals still read. */
    private static final byte SETTLED_WITH_PLANS = 30;
    private static final byte CALL_STARTED = 31;

    private JournalCodec() {
    }

    public static void write(DataOutput out, JournalEvent event) throws IOException {
        if (event instanceof AccountOpened e) {
            head(out, e.product().isEmpty() ? ACCOUNT_OPENED : ACCOUNT_OPENED_IN_PRODUCT, e);
            out.writeUTF(e.currency());
            out.writeUTF(e.zone());
            out.writeUTF(e.homePrefix());
            out.writeLong(e.capMicros());
            out.writeLong(e.coinCreditMicros());
            if (!e.product().isEmpty()) {
                out.writeUTF(e.product());
            }
        } else if (event instanceof LotPurchased e) {
            head(out, LOT_PURCHASED, e);
            out.writeLong(e.lotId());
            out.writeLong(e.micros());
            writeInstant(out, e.expiresAt());
            out.writeUTF(e.channel());
        } else if (event instanceof LotForfeited e) {
            head(out, LOT_FORFEITED, e);
            out.writeLong(e.lotId());
            out.writeLong(e.micros());
        } else if (event instanceof Reserved e) {
            head(out, RESERVED, e);
            out.writeLong(e.reservationId());
            out.writeUTF(e.callId());
            writeLongs(out, e.lots());
            out.writeLong(e.planId());
            out.writeInt(e.planMinutes());
            out.writeInt(e.packageMinutes());
            writeString(out, e.cycle());
            out.writeLong(e.capMicros());
        } else if (event instanceof Settled e) {
            head(out, SETTLED_WITH_PLANS, e);
            out.writeLong(e.reservationId());
            writeLongs(out, e.debits());
            writeLongs(out, e.releases());
            out.writeBoolean(e.closes());
            out.writeInt(e.planMinutes());
            out.writeInt(e.packageMinutes());
            out.writeLong(e.capMicros());
            writeString(out, e.cycle());
            out.writeBoolean(e.call() != null);
            if (e.call() != null) {
                writeCall(out, e.call());
                writePlanUses(out, e.call());
            }
        } else if (event instanceof Released e) {
            head(out, RELEASED, e);
            out.writeLong(e.reservationId());
            out.writeBoolean(e.expired());
        } else if (event instanceof PlanPurchased e) {
            head(out, PLAN_PURCHASED, e);
            out.writeLong(e.planId());
            out.writeUTF(e.product());
            writeStrings(out, e.prefixes());
            out.writeInt(e.minutes());
            out.writeLong(e.priceMicros());
            writeInstant(out, e.expiresAt());
            out.writeBoolean(e.autoRenew());
        } else if (event instanceof PlanExpired e) {
            head(out, PLAN_EXPIRED, e);
            out.writeLong(e.planId());
            out.writeInt(e.unusedMinutes());
        } else if (event instanceof PackageSubscribed e) {
            head(out, PACKAGE_SUBSCRIBED, e);
            out.writeUTF(e.name());
            out.writeInt(e.freeMinutes());
            writeStrings(out, e.prefixes());
        } else if (event instanceof Adjusted e) {
            head(out, ADJUSTED, e);
            out.writeUTF(e.callId());
            out.writeLong(e.deltaMicros());
            out.writeUTF(e.reason());
            out.writeLong(e.newLotId());
            writeLongs(out, e.debits());
        } else if (event instanceof Refunded e) {
            head(out, REFUNDED, e);
            writeLongs(out, e.debits());
        } else if (event instanceof ProfileRecorded e) {
            head(out, PROFILE_RECORDED, e);
            out.writeUTF(e.operator());
            writeString(out, e.number());
            writeString(out, e.country());
            out.writeInt(e.ha1().size());
            for (Map.Entry<String, String> h : new TreeMap<>(e.ha1()).entrySet()) {
                out.writeUTF(h.getKey());
                out.writeUTF(h.getValue());
            }
        } else if (event instanceof SuspensionChanged e) {
            head(out, SUSPENSION_CHANGED, e);
            out.writeUTF(e.operator());
            out.writeBoolean(e.suspended());
            out.writeUTF(e.reason());
        } else if (event instanceof Anonymised e) {
            head(out, ANONYMISED, e);
            out.writeUTF(e.operator());
        } else if (event instanceof OperatorActed e) {
            head(out, OPERATOR_ACTED, e);
            out.writeUTF(e.operator());
            out.writeUTF(e.action());
            out.writeUTF(e.detail());
        } else if (event instanceof FairUseActed e) {
            head(out, FAIR_USE_ACTED, e);
            out.writeUTF(e.operator());
            out.writeUTF(e.detector());
            out.writeUTF(e.action());
            writeInstant(out, e.until());
            out.writeUTF(e.reason());
        } else if (event instanceof CallStarted e) {
            head(out, CALL_STARTED, e);
            out.writeLong(e.reservationId());
            writeCall(out, e.call());
            writePlanUses(out, e.call());
        } else {
            throw new IllegalArgumentException("unknown journal event " + event);
        }
    }

    public static JournalEvent read(DataInput in) throws IOException {
        byte tag = in.readByte();
        String account = in.readUTF();
        Instant at = readInstant(in);
        return switch (tag) {
            case ACCOUNT_OPENED -> new AccountOpened(account, at, in.readUTF(), in.readUTF(), in.readUTF(),
                    in.readLong(), in.readLong());
            case ACCOUNT_OPENED_IN_PRODUCT -> new AccountOpened(account, at, in.readUTF(), in.readUTF(), in.readUTF(),
                    in.readLong(), in.readLong(), in.readUTF());
            case LOT_PURCHASED -> new LotPurchased(account, at, in.readLong(), in.readLong(), readInstant(in),
                    in.readUTF());
            case LOT_FORFEITED -> new LotForfeited(account, at, in.readLong(), in.readLong());
            case RESERVED -> new Reserved(account, at, in.readLong(), in.readUTF(), readLongs(in), in.readLong(),
                    in.readInt(), in.readInt(), readString(in), in.readLong());
            case SETTLED -> new Settled(account, at, in.readLong(), readLongs(in), readLongs(in), in.readBoolean(),
                    in.readInt(), in.readInt(), in.readLong(), readString(in), in.readBoolean() ? readCall(in) : null);
            case SETTLED_WITH_PLANS -> new Settled(account, at, in.readLong(), readLongs(in), readLongs(in),
                    in.readBoolean(), in.readInt(), in.readInt(), in.readLong(), readString(in),
                    in.readBoolean() ? readPlanUses(in, readCall(in)) : null);
            case RELEASED -> new Released(account, at, in.readLong(), in.readBoolean());
            case PLAN_PURCHASED -> new PlanPurchased(account, at, in.readLong(), in.readUTF(), readStrings(in),
                    in.readInt(), in.readLong(), readInstant(in), in.readBoolean());
            case PLAN_EXPIRED -> new PlanExpired(account, at, in.readLong(), in.readInt());
            case PACKAGE_SUBSCRIBED -> new PackageSubscribed(account, at, in.readUTF(), in.readInt(), readStrings(in));
            case ADJUSTED -> new Adjusted(account, at, in.readUTF(), in.readLong(), in.readUTF(), in.readLong(),
                    readLongs(in));
            case REFUNDED -> new Refunded(account, at, readLongs(in));
            case PROFILE_RECORDED -> new ProfileRecorded(account, at, in.readUTF(), readString(in), readString(in),
                    readMap(in));
            case SUSPENSION_CHANGED -> new SuspensionChanged(account, at, in.readUTF(), in.readBoolean(), in.readUTF());
            case ANONYMISED -> new Anonymised(account, at, in.readUTF());
            case OPERATOR_ACTED -> new OperatorActed(account, at, in.readUTF(), in.readUTF(), in.readUTF());
            case FAIR_USE_ACTED -> new FairUseActed(account, at, in.readUTF(), in.readUTF(), in.readUTF(),
                    readInstant(in), in.readUTF());
            case CALL_STARTED -> new CallStarted(account, at, in.readLong(), readPlanUses(in, readCall(in)));
            default -> throw new IOException("unknown journal event tag " + tag);
        };
    }

    private static Map<String, String> readMap(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000) {
            throw new IOException("implausible map size " + n);
        }
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return map;
    }

    private static void head(DataOutput out, byte tag, JournalEvent e) throws IOException {
        out.writeByte(tag);
        out.writeUTF(e.accountId());
        writeInstant(out, e.at());
    }

    public static void writeCall(DataOutput out, ChargedCall c) throws IOException {
        out.writeUTF(c.callId());
        out.writeUTF(c.accountId());
        out.writeUTF(c.destination());
        out.writeUTF(c.destinationName());
        out.writeUTF(c.deck());
        out.writeUTF(c.ratePrefix());
        out.writeLong(c.pricePerMinuteMicros());
        out.writeLong(c.connectFeeMicros());
        out.writeInt(c.initialIncrement());
        out.writeInt(c.subsequentIncrement());
        out.writeUTF(c.taxMode());
        out.writeInt(c.taxBasisPoints());
        writeInstant(out, c.answeredAt());
        writeInstant(out, c.endedAt());
        out.writeLong(c.durationMillis());
        out.writeLong(c.billedSeconds());
        out.writeInt(c.planMinutes());
        out.writeLong(c.planId());
        out.writeInt(c.packageMinutes());
        out.writeInt(c.creditIncrements());
        out.writeLong(c.netMicros());
        out.writeLong(c.taxMicros());
        out.writeLong(c.amountMicros());
        out.writeUTF(c.currency());
        out.writeInt(c.lotDebits().size());
        for (ChargedCall.LotDebit d : c.lotDebits()) {
            out.writeLong(d.lotId());
            out.writeLong(d.micros());
        }
        out.writeBoolean(c.clamped());
        out.writeBoolean(c.coinRounded());
    }

    /**
     * A call as {@link #writeCall} wrote it; the account, rate deck names and prefixes, tax mode and currency are
     * shared with the records read before ({@link SharedStrings}), as a running node's records share its rate deck's.
     */
    public static ChargedCall readCall(DataInput in) throws IOException {
        String callId = in.readUTF();
        String accountId = SharedStrings.RECORDS.shared(in.readUTF());
        String destination = in.readUTF();
        String destinationName = SharedStrings.RECORDS.shared(in.readUTF());
        String deck = SharedStrings.RECORDS.shared(in.readUTF());
        String prefix = SharedStrings.RECORDS.shared(in.readUTF());
        long price = in.readLong();
        long connect = in.readLong();
        int initial = in.readInt();
        int subsequent = in.readInt();
        String taxMode = SharedStrings.RECORDS.shared(in.readUTF());
        int taxBp = in.readInt();
        Instant answered = readInstant(in);
        Instant ended = readInstant(in);
        long duration = in.readLong();
        long billed = in.readLong();
        int planMinutes = in.readInt();
        long planId = in.readLong();
        int packageMinutes = in.readInt();
        int creditIncrements = in.readInt();
        long net = in.readLong();
        long tax = in.readLong();
        long amount = in.readLong();
        String currency = SharedStrings.RECORDS.shared(in.readUTF());
        int n = in.readInt();
        List<ChargedCall.LotDebit> debits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            debits.add(new ChargedCall.LotDebit(in.readLong(), in.readLong()));
        }
        boolean clamped = in.readBoolean();
        boolean coin = in.readBoolean();
        return new ChargedCall(callId, accountId, destination, destinationName, deck, prefix, price, connect, initial,
                subsequent, taxMode, taxBp, answered, ended, duration, billed, planMinutes, planId, packageMinutes,
                creditIncrements, net, tax, amount, currency, debits, clamped, coin);
    }

    /** The plans that paid {@code c}, written after it by {@link #writeCall}'s callers that keep them. */
    public static void writePlanUses(DataOutput out, ChargedCall c) throws IOException {
        out.writeInt(c.planUses().size());
        for (ChargedCall.PlanUse use : c.planUses()) {
            out.writeLong(use.planId());
            out.writeInt(use.minutes());
        }
    }

    /** {@code c} with the plan uses that follow it. */
    public static ChargedCall readPlanUses(DataInput in, ChargedCall c) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("implausible number of plans " + n);
        }
        List<ChargedCall.PlanUse> uses = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            uses.add(new ChargedCall.PlanUse(in.readLong(), in.readInt()));
        }
        return c.withPlanUses(uses);
    }

    public static void writeInstant(DataOutput out, Instant instant) throws IOException {
        out.writeBoolean(instant != null);
        if (instant != null) {
            out.writeLong(instant.getEpochSecond());
            out.writeInt(instant.getNano());
        }
    }

    public static Instant readInstant(DataInput in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    public static void writeString(DataOutput out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    public static String readString(DataInput in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    public static void writeLongs(DataOutput out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    public static long[] readLongs(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("implausible array length " + n);
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    public static void writeStrings(DataOutput out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    public static List<String> readStrings(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("implausible list length " + n);
        }
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readUTF());
        }
        return List.copyOf(values);
    }
}
