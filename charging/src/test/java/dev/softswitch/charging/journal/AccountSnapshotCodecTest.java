package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.Adjustment;
import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.money.Money;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot reads back as it was written, every field of every part, and writes back to the same bytes. */
class AccountSnapshotCodecTest {

    private static final Instant T0 = Instant.parse("2025-05-10T00:00:00Z");

    private static AccountSnapshot full() {
        ChargedCall call = new ChargedCall("c1", "u", "12125550100", "USA", "deck", "1", 100_000, 20_000, 60, 60,
                "INCLUDED", 1000, T0, T0.plusSeconds(61), 61_000, 120, 0, 0, 0, 2, 220_000, 20_000, 220_000, "USD",
                List.of(new ChargedCall.LotDebit(1, 220_000)), false, false);
        return new AccountSnapshot("u", "USD", "Asia/Tokyo", "81", 20_000_000, 0, 42, 3, 5, 2,
                List.of(new AccountSnapshot.Lot(1, 5_000_000, 4_780_000, 100_000, T0, Instant.MAX, "opening"),
                        new AccountSnapshot.Lot(2, 1_000_000, 1_000_000, 0, T0, T0.plusSeconds(86_400), "web")),
                List.of(new AccountSnapshot.Reservation(4, "c2", new long[] {1, 100_000}, new long[] {1, 1}, 0,
                        100_000, 2, new long[] {100_000, 0, 0}, call)),
                List.of(new AccountSnapshot.Plan(1, "USA 60", List.of("1"), 60, 59, 1, 2_990_000, T0,
                        T0.plusSeconds(30 * 86_400), true, false)),
                new AccountSnapshot.Package("free", 100, List.of("81"), Map.of("2025-04", 7, "2025-05", 3), 1),
                Map.of("2025-04", 5_000L, "2025-05", 220_000L), 100_000,
                7, 0,
                List.of(new AccountSnapshot.Purchase("credit", 1, "opening credit", 5_000_000, T0, Instant.MAX,
                                "opening"),
                        new AccountSnapshot.Purchase("package", 0, "free (100 free min/month)", 0, T0, null, "package")),
                List.of(call),
                List.of(new Adjustment("c1", new Money(20_000, "USD"), "goodwill", T0.plusSeconds(3600))), "line-out");
    }

    private static byte[] encode(AccountSnapshot snapshot) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AccountSnapshotCodec.write(new DataOutputStream(bytes), snapshot);
        return bytes.toByteArray();
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        AccountSnapshot written = full();
        byte[] bytes = encode(written);
        AccountSnapshot read = AccountSnapshotCodec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(read).usingRecursiveComparison().isEqualTo(written);
        assertThat(encode(read)).isEqualTo(bytes);
    }

    @Test
    void anAccountWithoutPackageOrCapCycleRoundTrips() throws IOException {
        AccountSnapshot empty = new AccountSnapshot("e", "USD", "UTC", "", -1, 0, 1, 1, 1, 1, List.of(), List.of(),
                List.of(), null, Map.of(), 0, 0, 0, List.of(), List.of(), List.of(), "");
        AccountSnapshot read = AccountSnapshotCodec.read(new DataInputStream(new ByteArrayInputStream(encode(empty))));
        assertThat(read).usingRecursiveComparison().isEqualTo(empty);
    }
}
