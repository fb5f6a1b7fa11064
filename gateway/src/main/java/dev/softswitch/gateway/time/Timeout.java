package dev.softswitch.gateway.time;

/** A handle on a task scheduled with {@link TimerService}. */
public interface Timeout {

    /** Cancels the task if it has not run yet; returns true when this call cancelled it. */
    boolean cancel();

    /** True once the task has run or has been cancelled. */
    boolean isDone();
}
