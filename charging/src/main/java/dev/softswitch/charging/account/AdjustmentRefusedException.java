package dev.softswitch.charging.account;

/** An adjustment was refused: the call is unknown, older than the 90-day window, or cannot be debited. */
public final class AdjustmentRefusedException extends RuntimeException {

    public AdjustmentRefusedException(String message) {
        super(message);
    }
}
