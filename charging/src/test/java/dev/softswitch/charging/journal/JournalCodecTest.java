package dev.softswitch.charging.journal;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent;
import dev.softswitch.charging.event.JournalEvent.CallStarted;
import dev.softswitch.charging.event.JournalEvent.Settled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The events issue 12 added (tags 30, 31) read back as written; journals written before still read. */
class JournalCodecTest {

    private static final Instant T0 = Instant.parse("2025-05-10T00:00:00Z");
    private static final ChargedCall CALL = new ChargedCall("c1", "u", "12125550100", "USA", "deck", "1", 100_000, 0,
            60, 60, "INCLUDED", 0, T0, T0.plusSeconds(170), 170_000, 180, 3, 1, 0, 0, 0, 0, 0, "USD", List.of(), false,
            false).withPlanUses(List.of(new ChargedCall.PlanUse(1, 1), new ChargedCall.PlanUse(2, 2)));

    private static JournalEvent roundTrip(JournalEvent e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JournalCodec.write(new DataOutputStream(bytes), e);
        return JournalCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }

    @Test
    void callsReadBackShareTheStringsEveryRecordRepeatsAndKeepTheirOwn() throws IOException {
        ChargedCall first = callWithFreshStrings("c-1", "+447400000001");
        ChargedCall second = callWithFreshStrings("c-2", "+447400000002");
        assertThat(first.deck()).isNotSameAs(second.deck());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        JournalCodec.writeCall(out, first);
        JournalCodec.writeCall(out, second);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        ChargedCall one = JournalCodec.readCall(in);
        ChargedCall two = JournalCodec.readCall(in);

        assertThat(one).isEqualTo(first);
        assertThat(two).isEqualTo(second);
        assertThat(two.accountId()).isSameAs(one.accountId());
        assertThat(two.destinationName()).isSameAs(one.destinationName());
        assertThat(two.deck()).isSameAs(one.deck());
        assertThat(two.ratePrefix()).isSameAs(one.ratePrefix());
        assertThat(two.taxMode()).isSameAs(one.taxMode());
        assertThat(two.currency()).isSameAs(one.currency());
        assertThat(two.callId()).isEqualTo("c-2");
        assertThat(two.destination()).isEqualTo("+447400000002");
    }

    @Test
    void theSharedStringsStopGrowingAtTheirBound() {
        SharedStrings strings = new SharedStrings(2);
        String a = strings.shared(new String("a"));
        assertThat(strings.shared(new String("a"))).isSameAs(a);
        strings.shared("b");
        String c = new String("c");
        assertThat(strings.shared(c)).as("full: given back as it came").isSameAs(c);
        assertThat(strings.shared(new String("c"))).isNotSameAs(c).isEqualTo("c");
        assertThat(strings.size()).isEqualTo(2);
        assertThat(strings.shared(new String("a"))).as("what it holds is still shared").isSameAs(a);
    }

    /** A call whose every string is its own instance, as a record decoded from bytes would be. */
    private static ChargedCall callWithFreshStrings(String callId, String destination) {
        return new ChargedCall(callId, new String("alice"), destination, new String("United Kingdom mobile"),
                new String("default"), new String("447"), 100_000, 0, 60, 60, new String("INCLUDED"), 0, T0,
                T0.plusSeconds(61), 61_000, 120, 0, 0, 0, 2, 200_000, 0, 200_000, new String("USD"),
                List.of(new ChargedCall.LotDebit(1, 200_000)), false, false);
    }

    @Test
    void aSettlementKeepsEveryPlanThatPaid() throws IOException {
        Settled settled = new Settled("u", T0, 4, new long[0], new long[0], true, 3, 0, 0, "2025-05", CALL);
        Settled read = (Settled) roundTrip(settled);
        assertThat(read.call()).isEqualTo(CALL);
        assertThat(read.call().planUses()).hasSize(2);
        assertThat(read.call().planId()).isEqualTo(1);
    }

    @Test
    void aCallsAnswerReadsBack() throws IOException {
        CallStarted started = new CallStarted("u", T0, 4, CALL);
        assertThat(roundTrip(started)).usingRecursiveComparison().isEqualTo(started);
    }

    @Test
    void aSettlementWrittenBeforePlanListsReadsAsOnePlan() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(5); // SETTLED as journals before issue 12 hold it
        out.writeUTF("u");
        JournalCodec.writeInstant(out, T0);
        out.writeLong(4);
        JournalCodec.writeLongs(out, new long[0]);
        JournalCodec.writeLongs(out, new long[0]);
        out.writeBoolean(true);
        out.writeInt(3);
        out.writeInt(0);
        out.writeLong(0);
        JournalCodec.writeString(out, "2025-05");
        out.writeBoolean(true);
        JournalCodec.writeCall(out, CALL);
        Settled read = (Settled) JournalCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(read.call().planUses()).containsExactly(new ChargedCall.PlanUse(1, 3));
    }
}
