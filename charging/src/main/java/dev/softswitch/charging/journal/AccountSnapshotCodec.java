package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.softswitch.charging.journal.JournalCodec.readInstant;
import static dev.softswitch.charging.journal.JournalCodec.readLongs;
import static dev.softswitch.charging.journal.JournalCodec.readString;
import static dev.softswitch.charging.journal.JournalCodec.readStrings;
import static dev.softswitch.charging.journal.JournalCodec.writeInstant;
import static dev.softswitch.charging.journal.JournalCodec.writeLongs;
import static dev.softswitch.charging.journal.JournalCodec.writeString;
import static dev.softswitch.charging.journal.JournalCodec.writeStrings;

/** Binary form of an {@link AccountSnapshot}, field by field in declaration order, with the journal's value codecs. */
public final class AccountSnapshotCodec {

    private AccountSnapshotCodec() {
    }

    public static void write(DataOutput out, AccountSnapshot s) throws IOException {
        out.writeUTF(s.id());
        out.writeUTF(s.currency());
        out.writeUTF(s.zone());
        out.writeUTF(s.homePrefix());
        out.writeLong(s.capMicros());
        out.writeLong(s.coinCreditMicros());
        out.writeLong(s.lastSeq());
        out.writeLong(s.nextLotId());
        out.writeLong(s.nextReservationId());
        out.writeLong(s.nextPlanId());
        out.writeInt(s.lots().size());
        for (AccountSnapshot.Lot lot : s.lots()) {
            out.writeLong(lot.id());
            out.writeLong(lot.original());
            out.writeLong(lot.remaining());
            out.writeLong(lot.held());
            writeInstant(out, lot.purchasedAt());
            writeInstant(out, lot.expiresAt());
            out.writeUTF(lot.channel());
        }
        out.writeInt(s.reservations().size());
        for (AccountSnapshot.Reservation res : s.reservations()) {
            out.writeLong(res.id());
            out.writeUTF(res.callId());
            writeLongs(out, res.lots());
            writeLongs(out, res.plans());
            out.writeInt(res.packageMinutes());
            out.writeLong(res.capMicros());
            out.writeInt(res.increments());
            writeLongs(out, res.last());
            out.writeBoolean(res.started() != null);
            if (res.started() != null) {
                JournalCodec.writeCall(out, res.started());
                JournalCodec.writePlanUses(out, res.started());
            }
        }
        out.writeInt(s.plans().size());
        for (AccountSnapshot.Plan p : s.plans()) {
            out.writeLong(p.id());
            out.writeUTF(p.product());
            writeStrings(out, p.prefixes());
            out.writeInt(p.minutes());
            out.writeInt(p.remaining());
            out.writeInt(p.held());
            out.writeLong(p.priceMicros());
            writeInstant(out, p.purchasedAt());
            writeInstant(out, p.expiresAt());
            out.writeBoolean(p.autoRenew());
            out.writeBoolean(p.expired());
        }
        AccountSnapshot.Package pkg = s.packageState();
        out.writeBoolean(pkg != null);
        if (pkg != null) {
            out.writeUTF(pkg.name());
            out.writeInt(pkg.freeMinutes());
            writeStrings(out, pkg.prefixes());
            out.writeInt(pkg.usedByMonth().size());
            for (Map.Entry<String, Integer> e : new TreeMap<>(pkg.usedByMonth()).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            out.writeInt(pkg.held());
        }
        out.writeInt(s.capSpentByMonth().size());
        for (Map.Entry<String, Long> e : new TreeMap<>(s.capSpentByMonth()).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeLong(s.capHeld());
        out.writeLong(s.forfeitedMicros());
        out.writeLong(s.refundedMicros());
        out.writeInt(s.purchases().size());
        for (AccountSnapshot.Purchase p : s.purchases()) {
            out.writeUTF(p.kind());
            out.writeLong(p.id());
            out.writeUTF(p.description());
            out.writeLong(p.amountMicros());
            writeInstant(out, p.at());
            writeInstant(out, p.expiresAt());
            out.writeUTF(p.channel());
        }
        out.writeInt(s.usage().size());
        for (ChargedCall c : s.usage()) {
            JournalCodec.writeCall(out, c);
            JournalCodec.writePlanUses(out, c);
        }
        out.writeInt(s.adjustments().size());
        for (Adjustment a : s.adjustments()) {
            out.writeUTF(a.callId());
            out.writeLong(a.amount().micros());
            out.writeUTF(a.reason());
            writeInstant(out, a.at());
        }
        out.writeUTF(s.product());
        writeOperated(out, s.operated());
    }

    private static void writeOperated(DataOutput out, AccountSnapshot.Operated o) throws IOException {
        writeString(out, o.number());
        writeString(out, o.country());
        out.writeInt(o.ha1().size());
        for (Map.Entry<String, String> e : new TreeMap<>(o.ha1()).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        writeString(out, o.suspension());
        out.writeBoolean(o.anonymised());
        out.writeInt(o.audit().size());
        for (AccountSnapshot.Audit a : o.audit()) {
            writeInstant(out, a.at());
            out.writeUTF(a.operator());
            out.writeUTF(a.action());
            out.writeUTF(a.detail());
        }
    }

    private static AccountSnapshot.Operated readOperated(DataInput in) throws IOException {
        String number = readString(in);
        String country = readString(in);
        Map<String, String> ha1 = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            ha1.put(in.readUTF(), in.readUTF());
        }
        String suspension = readString(in);
        boolean anonymised = in.readBoolean();
        List<AccountSnapshot.Audit> audit = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            audit.add(new AccountSnapshot.Audit(readInstant(in), in.readUTF(), in.readUTF(), in.readUTF()));
        }
        return new AccountSnapshot.Operated(number, country, ha1, suspension, anonymised, audit);
    }

    public static AccountSnapshot read(DataInput in) throws IOException {
        String id = in.readUTF();
        String currency = in.readUTF();
        String zone = in.readUTF();
        String homePrefix = in.readUTF();
        long capMicros = in.readLong();
        long coinCreditMicros = in.readLong();
        long lastSeq = in.readLong();
        long nextLotId = in.readLong();
        long nextReservationId = in.readLong();
        long nextPlanId = in.readLong();
        List<AccountSnapshot.Lot> lots = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            lots.add(new AccountSnapshot.Lot(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    readInstant(in), readInstant(in), in.readUTF()));
        }
        List<AccountSnapshot.Reservation> reservations = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            reservations.add(new AccountSnapshot.Reservation(in.readLong(), in.readUTF(), readLongs(in), readLongs(in),
                    in.readInt(), in.readLong(), in.readInt(), readLongs(in),
                    in.readBoolean() ? JournalCodec.readPlanUses(in, JournalCodec.readCall(in)) : null));
        }
        List<AccountSnapshot.Plan> plans = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            plans.add(new AccountSnapshot.Plan(in.readLong(), in.readUTF(), readStrings(in), in.readInt(), in.readInt(),
                    in.readInt(), in.readLong(), readInstant(in), readInstant(in), in.readBoolean(), in.readBoolean()));
        }
        AccountSnapshot.Package pkg = null;
        if (in.readBoolean()) {
            String name = in.readUTF();
            int free = in.readInt();
            List<String> prefixes = readStrings(in);
            Map<String, Integer> used = new TreeMap<>();
            for (int i = months(in); i > 0; i--) {
                used.put(in.readUTF(), in.readInt());
            }
            pkg = new AccountSnapshot.Package(name, free, prefixes, used, in.readInt());
        }
        Map<String, Long> capSpent = new TreeMap<>();
        for (int i = months(in); i > 0; i--) {
            capSpent.put(in.readUTF(), in.readLong());
        }
        long capHeld = in.readLong();
        long forfeited = in.readLong();
        long refunded = in.readLong();
        List<AccountSnapshot.Purchase> purchases = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            purchases.add(new AccountSnapshot.Purchase(in.readUTF(), in.readLong(), in.readUTF(), in.readLong(),
                    readInstant(in), readInstant(in), in.readUTF()));
        }
        List<ChargedCall> usage = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            usage.add(JournalCodec.readPlanUses(in, JournalCodec.readCall(in)));
        }
        List<Adjustment> adjustments = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            adjustments.add(new Adjustment(in.readUTF(), new Money(in.readLong(), currency), in.readUTF(),
                    readInstant(in)));
        }
        return new AccountSnapshot(id, currency, zone, homePrefix, capMicros, coinCreditMicros, lastSeq, nextLotId,
                nextReservationId, nextPlanId, lots, reservations, plans, pkg, capSpent, capHeld, forfeited,
                refunded, purchases, usage, adjustments, in.readUTF(), readOperated(in));
    }

    private static int months(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000) {
            throw new IOException("implausible number of months " + n);
        }
        return n;
    }
}
