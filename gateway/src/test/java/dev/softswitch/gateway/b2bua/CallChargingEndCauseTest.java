package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.charging.account.Refusal;
import org.junit.jupiter.api.Test;

/**
 * Why an answered call ends at the end of its paid time, as its record and metrics say (CHG-8, CHG-9): every call
 * whose next increment was refused used to be recorded as credit_exhausted, the monthly cap's too.
 */
class CallChargingEndCauseTest {

    @Test
    void theRefusalOfTheNextIncrementNamesTheEnd() {
        assertThat(CallCharging.endCause(Refusal.SPEND_CAP_REACHED)).isEqualTo("spend_cap_reached");
        assertThat(CallCharging.endCause(Refusal.STORE_UNAVAILABLE)).isEqualTo("charging_unavailable");
        assertThat(CallCharging.endCause(Refusal.ACCOUNT_SUSPENDED)).isEqualTo("account_suspended");
        assertThat(CallCharging.endCause(Refusal.INSUFFICIENT_CREDIT)).isEqualTo("credit_exhausted");
        assertThat(CallCharging.endCause(null)).as("no refusal recorded (a failure)").isEqualTo("credit_exhausted");
    }
}
