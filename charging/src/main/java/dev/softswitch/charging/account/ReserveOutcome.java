package dev.softswitch.charging.account;

/**
 * The answer to an {@link IncrementRequest}: held (with the reservation id and what pays) or refused.
 *
 * @param planId the plan whose minute is held when {@code funding} is {@link Funding#PLAN}, else 0
 */
public record ReserveOutcome(long reservationId, Funding funding, long planId, Refusal refusal) {

    public static ReserveOutcome refused(Refusal refusal) {
        return new ReserveOutcome(0, null, 0, refusal);
    }

    public boolean held() {
        return refusal == null;
    }
}
