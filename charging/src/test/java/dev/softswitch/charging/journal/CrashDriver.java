package dev.softswitch.charging.journal;

import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargeResult;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import dev.softswitch.charging.tariff.Rate;
import dev.softswitch.charging.tariff.RateSchedule;
import dev.softswitch.charging.tariff.RateTable;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link JournalCrashTest}: recovers the store in a directory, then buys credit and runs calls
 * on its accounts until it is killed. Before each operation it prints {@code BEGIN account balance reserved calls}
 * with the state the operation will leave, and after the operation returns (is acknowledged) {@code ACK ...} with
 * the state it did leave. Each line ends with {@code ;} so a line torn by the kill can be told apart. An optional
 * third argument is the segment size, for small segments with a background snapshot after each.
 */
public final class CrashDriver {

    static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
    static final List<String> ACCOUNTS = List.of("a1", "a2", "b1", "b2");
    static final Duration TTL = Duration.ofMinutes(2);
    /** 0.6 USD per minute, 60/60, no connect fee: 0.6 USD per increment. */
    static final Rate RATE = new Rate("1", "USA", Money.parse("0.6", "USD"), Money.zero("USD"), 60, 60);
    static final long INCREMENT = 600_000;

    private static final Object OUT = new Object();
    private static PrintStream out;

    private CrashDriver() {
    }

    public static void main(String[] args) throws Exception {
        out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        JournalSettings settings = args.length > 2 ? settings(Long.parseLong(args[2])) : JournalSettings.defaults();
        JournalledAccountStore store = JournalledAccountStore.open(dir, clock, TTL, settings);
        for (String id : ACCOUNTS) {
            if (store.account(id).isEmpty()) {
                store.create(id, Money.zero("USD"));
            }
        }
        // crashed calls left reservations behind: their TTL has run out by now
        store.housekeeping().expire(T0.plus(Duration.ofDays(1)));
        for (String id : ACCOUNTS) {
            line("STATE", store, id);
        }
        line("READY");
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateTable.of(List.of(RATE))), clock, TTL);
        Thread a = new Thread(() -> drive(engine, store, List.of("a1", "a2"), new Random(seed)));
        Thread b = new Thread(() -> drive(engine, store, List.of("b1", "b2"), new Random(seed * 31 + 7)));
        a.start();
        b.start();
        a.join();
        b.join();
    }

    /** Segments of {@code segmentBytes}, a snapshot after each (0: the defaults). */
    static JournalSettings settings(long segmentBytes) {
        return segmentBytes == 0 ? JournalSettings.defaults() : new JournalSettings(segmentBytes, 1, 4096);
    }

    private static void drive(ChargingEngine engine, JournalledAccountStore store, List<String> mine, Random random) {
        int call = 0;
        String run = Long.toHexString(random.nextLong());
        while (true) {
            String id = mine.get(random.nextInt(mine.size()));
            long balance = store.balance(id).orElseThrow().micros();
            long reserved = store.reserved(id).micros();
            int calls = store.usage(id, Instant.MIN, Instant.MAX).size();
            if (random.nextInt(3) == 0) {
                long amount = 100_000L * (1 + random.nextInt(30));
                line("BEGIN", id, balance + amount, reserved, calls);
                store.purchaseCredit(id, new Money(amount, "USD"), T0, "store", Instant.MAX);
                line("ACK", store, id);
                continue;
            }
            boolean fits = balance - reserved >= INCREMENT;
            line("BEGIN", id, balance, reserved + (fits ? INCREMENT : 0), calls);
            Authorisation auth = engine.authorise(run + "-" + call++, id, "12125550100");
            line("ACK", store, id);
            if (!(auth instanceof Authorisation.Granted granted)) {
                continue;
            }
            ChargingSession session = granted.session();
            session.start(T0);
            int increments = 1;
            for (int k = random.nextInt(4); k > 0; k--) {
                long avail = store.available(id).micros();
                long held = store.reserved(id).micros();
                line("BEGIN", id, balance, held + (avail >= INCREMENT ? INCREMENT : 0), calls);
                boolean more = session.reserveNext();
                line("ACK", store, id);
                if (!more) {
                    break;
                }
                increments++;
            }
            long durationMillis = 1 + random.nextInt(increments * 60_000);
            long charge = ((durationMillis + 59_999) / 60_000) * INCREMENT;
            long held = session.reserved().micros();
            long totalReserved = store.reserved(id).micros();
            line("BEGIN", id, balance - charge, totalReserved - held, calls + 1);
            ChargeResult result = session.end(T0.plusMillis(durationMillis));
            if (result.amount().micros() != charge) {
                throw new IllegalStateException("charged " + result + ", expected " + charge);
            }
            line("ACK", store, id);
        }
    }

    private static void line(String kind, JournalledAccountStore store, String id) {
        line(kind, id, store.balance(id).orElseThrow().micros(), store.reserved(id).micros(),
                store.usage(id, Instant.MIN, Instant.MAX).size());
    }

    private static void line(String kind, String id, long balance, long reserved, int calls) {
        line(kind + " " + id + " " + balance + " " + reserved + " " + calls);
    }

    private static void line(String text) {
        synchronized (OUT) {
            out.print(text + " ;\n");
            out.flush();
        }
    }
}
