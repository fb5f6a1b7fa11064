package dev.softswitch.charging.tariff;

import dev.softswitch.charging.MutableClock;
import dev.softswitch.charging.account.JournalledAccountStore;
import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.session.Authorisation;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.charging.session.ChargingSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CHG-2: decks from CSV, rejected whole with every bad line; tax included or added; scheduled decks. */
class RateDeckCsvParserTest {

    private static final String HEADER = RateDeckCsvParser.HEADER + "\n";
    private static final Instant T0 = Instant.parse("2025-04-01T00:00:00Z");

    static final String LINE_OUT = HEADER
            + "# LINE Out: USD, tax included, 60/60\n"
            + "1,USA,USD,0.012,0,60,60,included,0,landline\n"
            + "44,\"United Kingdom, fixed\",USD,0.02,0,60,60,included,0,landline\n";
    static final String JAPAN = HEADER + "81,Japan,JPY,40,0,30,30,added,10,mobile\n";
    static final String THAI = HEADER + "66,Thailand,THB,0.99,0,60,60,added,7,mobile\n"
            + "661900,Thailand premium,THB,9,0,60,60,added,7,premium\n";

    @Test
    void readsAWellFormedDeck() throws Exception {
        RateTable deck = RateDeckCsvParser.parse("line-out.csv", LINE_OUT);
        assertThat(deck.name()).isEqualTo("line-out.csv");
        assertThat(deck.lookup("442071234567").orElseThrow().destinationName()).isEqualTo("United Kingdom, fixed");
        assertThat(deck.lookup("12125550100").orElseThrow().tax()).isEqualTo(Tax.included(0));
        assertThat(RateDeckCsvParser.parse("thai", THAI).lookup("6619001234").orElseThrow().category())
                .isEqualTo(RateCategory.PREMIUM);
    }

    @Test
    void aBadDeckIsRejectedWholeNamingEveryBadLine() {
        String csv = HEADER
                + "1,USA,USD,0.012,0,60,60,included,0,landline\n"   // line 2 good
                + "1x,Bad prefix,USD,0.01,0,60,60,included,0,landline\n" // 3
                + "44,UK,USD,-1,0,60,60,included,0,landline\n"       // 4
                + "33,France,USD,0.01,0,0,60,sometimes,7.123,fax\n"  // 5: four problems
                + "1,USA again,USD,0.01,0,60,60,included,0,landline\n" // 6 duplicate
                + "81,Japan,JPY,40,0,30,30,added,10,mobile\n"        // 7 other currency
                + "82,Korea,USD,0.01,0,60\n";                         // 8 short
        assertThatThrownBy(() -> RateDeckCsvParser.parse("bad.csv", csv))
                .isInstanceOfSatisfying(RateDeckException.class, e -> {
                    assertThat(e.errors()).extracting(RateDeckError::line)
                            .containsExactly(3, 4, 5, 5, 5, 5, 6, 7, 8);
                    assertThat(e.errors().get(0).message()).contains("digits only");
                    assertThat(e.errors().get(6).message()).contains("already defined on line 2");
                    assertThat(e.errors().get(7).message()).contains("differs from the deck's currency USD");
                    assertThat(e.getMessage()).contains("bad.csv").contains("line 8");
                });
    }

    @Test
    void aWrongHeaderOrAnEmptyDeckIsRejected() {
        assertThatThrownBy(() -> RateDeckCsvParser.parse("h", "prefix,price\n1,2\n"))
                .isInstanceOfSatisfying(RateDeckException.class,
                        e -> assertThat(e.errors().get(0).line()).isEqualTo(1));
        assertThatThrownBy(() -> RateDeckCsvParser.parse("e", HEADER)).hasMessageContaining("no rates");
        assertThatThrownBy(() -> RateDeckCsvParser.parse("q", HEADER + "1,\"USA,USD,1,0,60,60,included,0,mobile\n"))
                .hasMessageContaining("unterminated");
    }

    static Stream<Arguments> seedExamples() {
        return Stream.of(
                // deck, number, seconds, amount charged
                Arguments.of(LINE_OUT, "12125550100", 59, "0.012"),
                Arguments.of(LINE_OUT, "12125550100", 60, "0.012"),
                Arguments.of(LINE_OUT, "12125550100", 61, "0.024"),
                Arguments.of(JAPAN, "819012345678", 29, "22"),   // 20 yen per 30 s + 10 % tax on top
                Arguments.of(JAPAN, "819012345678", 30, "22"),
                Arguments.of(JAPAN, "819012345678", 31, "44"),
                Arguments.of(THAI, "66812345678", 59, "1.0593"),  // 0.99 THB per minute + 7 % VAT
                Arguments.of(THAI, "66812345678", 60, "1.0593"),
                Arguments.of(THAI, "66812345678", 61, "2.1186"));
    }

    @ParameterizedTest(name = "{1} for {2} s costs {3}")
    @MethodSource("seedExamples")
    void chargesTheSeedExamplesAtTheirBoundaries(String csv, String number, int seconds, String amount)
            throws Exception {
        RateTable deck = RateDeckCsvParser.parse("deck", csv);
        String currency = deck.rates().get(0).currency();
        MutableClock clock = new MutableClock(T0);
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
        store.create("u", Money.parse("1000", currency));
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(deck), clock, Duration.ofMinutes(2));
        ChargingSession s = ((Authorisation.Granted) engine.authorise("c", "u", number)).session();
        s.start(T0);
        while (s.paidUntil().isBefore(T0.plusSeconds(seconds))) {
            assertThat(s.reserveNext()).isTrue();
        }
        assertThat(s.end(T0.plusSeconds(seconds)).amount()).isEqualTo(Money.parse(amount, currency));
        assertThat(store.balance("u")).contains(Money.parse("1000", currency).minus(Money.parse(amount, currency)));
    }

    @Test
    void aScheduledDeckTakesEffectAtItsInstant() throws Exception {
        MutableClock clock = new MutableClock(T0);
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), clock);
        store.create("u", Money.parse("10", "USD"));
        ChargingEngine engine = new ChargingEngine(store, RateSchedule.of(RateDeckCsvParser.parse("old", LINE_OUT)),
                clock, Duration.ofMinutes(2));
        Instant change = T0.plus(Duration.ofDays(1));
        engine.scheduleRates(RateDeckCsvParser.parse("new", HEADER + "1,USA,USD,0.015,0,60,60,included,0,landline\n"),
                change);
        clock.set(change.minusNanos(1));
        ChargingSession before = ((Authorisation.Granted) engine.authorise("c1", "u", "12125550100")).session();
        clock.set(change);
        ChargingSession after = ((Authorisation.Granted) engine.authorise("c2", "u", "12125550100")).session();
        assertThat(before.rate().pricePerMinute()).isEqualTo(Money.parse("0.012", "USD"));
        assertThat(after.rate().pricePerMinute()).isEqualTo(Money.parse("0.015", "USD"));
        assertThat(engine.rates().name()).isEqualTo("new");
    }

    @Test
    void taxIncludedIsReportedWithinTheAmount() {
        assertThat(Tax.included(1000).taxMicros(1_100_000)).isEqualTo(100_000);
        assertThat(Tax.included(1000).grossMicros(1_100_000)).isEqualTo(1_100_000);
        assertThat(Tax.added(700).grossMicros(990_000)).isEqualTo(1_059_300);
        assertThat(Tax.added(700).taxMicros(1)).as("tax rounds up to the micro").isEqualTo(1);
    }
}
