package dev.softswitch.charging.fairuse;

import java.util.Arrays;
import java.util.Optional;

/** What a fair-use step does (FUP-2), mildest first; {@link #label()} names it in the journal, API and metrics. */
public enum FairUseAction {
    /** Journalled and counted; the call goes on. */
    WARN("warn"),
    /** The call that tripped the step is refused (403); nothing else changes. */
    REFUSE_CALL("refuse_call"),
    /** The account's plans and package minutes stop paying until the hold ends; calls fall back to credit. */
    SUSPEND_PLAN("suspend_plan"),
    /** The account may not call until the hold ends; its running calls are ended. */
    SUSPEND_ACCOUNT("suspend_account");

    private final String label;

    FairUseAction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The action named {@code name} in configuration: its label, or the label with '-' for '_'. */
    public static Optional<FairUseAction> named(String name) {
        String wanted = name.replace('-', '_');
        return Arrays.stream(values()).filter(a -> a.label.equals(wanted)).findFirst();
    }

    boolean suspends() {
        return this == SUSPEND_PLAN || this == SUSPEND_ACCOUNT;
    }
}
