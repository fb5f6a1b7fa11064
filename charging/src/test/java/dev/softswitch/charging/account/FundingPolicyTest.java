package dev.softswitch.charging.account;

import dev.softswitch.charging.journal.NoJournal;
import dev.softswitch.charging.money.Money;
import dev.softswitch.charging.tariff.RateCategory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What pays a call's next increment, decided in one place: plan, then package, then credit, never back; no package
 * minutes for premium-rate or international numbers; only international credit counts against the cap.
 */
class FundingPolicyTest {

    private static final Instant T0 = Instant.parse("2025-05-10T00:00:00Z");
    private static final String DOMESTIC = "66812345678";
    private static final String ABROAD = "12125550100";
    private static final long INCREMENT = 1_000_000;

    private static Money thb(String s) {
        return Money.parse(s, "THB");
    }

    /** A Thai account with a plan and a package for Thai numbers, 10 THB of credit and a 1.5 THB cap abroad. */
    private static AccountState account(boolean withPlan) {
        JournalledAccountStore store = new JournalledAccountStore(new NoJournal(), Clock.fixed(T0, ZoneOffset.UTC));
        store.open("u", AccountOptions.of("THB").withHomePrefix("66").withInternationalCap(thb("1.5")));
        store.purchaseCredit("u", thb("10"), T0, "web", Instant.MAX);
        if (withPlan) {
            store.purchasePlan("u", PlanProduct.thirtyDays("Thai 100", List.of("66"), 100, thb("99")), T0, false);
        }
        store.subscribePackage("u", new MonthlyPackage("Thai free", 100, List.of("66")), T0);
        return store.state("u");
    }

    static Stream<Arguments> fundingOrder() {
        return Stream.of(
                Arguments.of(true, DOMESTIC, RateCategory.MOBILE, null, Funding.PLAN),
                Arguments.of(true, DOMESTIC, RateCategory.MOBILE, Funding.PLAN, Funding.PLAN),
                Arguments.of(true, DOMESTIC, RateCategory.MOBILE, Funding.PACKAGE, Funding.PACKAGE),
                Arguments.of(true, DOMESTIC, RateCategory.MOBILE, Funding.CREDIT, Funding.CREDIT),
                Arguments.of(false, DOMESTIC, RateCategory.MOBILE, null, Funding.PACKAGE),
                Arguments.of(false, DOMESTIC, RateCategory.MOBILE, Funding.CREDIT, Funding.CREDIT),
                Arguments.of(false, DOMESTIC, RateCategory.PREMIUM, null, Funding.CREDIT),
                Arguments.of(true, DOMESTIC, RateCategory.PREMIUM, Funding.PLAN, Funding.PLAN),
                Arguments.of(false, ABROAD, RateCategory.MOBILE, null, Funding.CREDIT));
    }

    @ParameterizedTest(name = "plan {0}, {1} ({2}), after {3}: {4}")
    @MethodSource("fundingOrder")
    void paysPlanThenPackageThenCreditAndNeverGoesBack(boolean withPlan, String destination, RateCategory category,
                                                       Funding previous, Funding expected) {
        AccountState s = account(withPlan);
        FundingPolicy.Decision d = FundingPolicy.decide(s, 1, "c1",
                new IncrementRequest(destination, category, previous, INCREMENT, T0.plusSeconds(60)), T0);
        assertThat(d.outcome().held()).isTrue();
        assertThat(d.outcome().funding()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: cap counts {1}")
    @MethodSource("capCases")
    void onlyInternationalCreditCountsAgainstTheCap(String destination, long capMicros) {
        FundingPolicy.Decision d = FundingPolicy.decide(account(false), 1, "c1",
                new IncrementRequest(destination, RateCategory.PREMIUM, Funding.CREDIT, INCREMENT, T0), T0);
        assertThat(d.event().capMicros()).isEqualTo(capMicros);
    }

    static Stream<Arguments> capCases() {
        return Stream.of(Arguments.of(DOMESTIC, 0L), Arguments.of(ABROAD, INCREMENT));
    }

    @ParameterizedTest(name = "{1} micros to {0}: {2}")
    @MethodSource("creditCases")
    void holdsCreditUpToTheCapAndTheBalance(String destination, long micros, Refusal refusal) {
        FundingPolicy.Decision d = FundingPolicy.decide(account(false), 1, "c1",
                new IncrementRequest(destination, RateCategory.LANDLINE, Funding.CREDIT, micros, T0), T0);
        assertThat(d.outcome().refusal()).isEqualTo(refusal);
        assertThat(d.event() == null).isEqualTo(refusal != null);
    }

    static Stream<Arguments> creditCases() {
        return Stream.of(
                Arguments.of(ABROAD, 1_500_000L, null),
                Arguments.of(ABROAD, 1_500_001L, Refusal.SPEND_CAP_REACHED),
                Arguments.of(DOMESTIC, 10_000_000L, null),
                Arguments.of(DOMESTIC, 10_000_001L, Refusal.INSUFFICIENT_CREDIT));
    }
}
