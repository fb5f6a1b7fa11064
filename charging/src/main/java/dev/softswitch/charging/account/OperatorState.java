package dev.softswitch.charging.account;

import dev.softswitch.charging.cdr.ChargedCall;
import dev.softswitch.charging.event.JournalEvent.Anonymised;
import dev.softswitch.charging.event.JournalEvent.FairUseActed;
import dev.softswitch.charging.event.JournalEvent.OperatorActed;
import dev.softswitch.charging.event.JournalEvent.OperatorEvent;
import dev.softswitch.charging.event.JournalEvent.ProfileRecorded;
import dev.softswitch.charging.event.JournalEvent.SuspensionChanged;

import java.util.ArrayList;
import java.util.List;

/**
 * What operators changed on one account through the admin API (OPS-2, ACC-4): its subscriber profile, suspension
 * and deletion, and the audit lines naming who. Part of an {@link AccountState}, guarded by its monitor and changed
 * only by {@link #apply}.
 */
final class OperatorState {

    AccountProfile profile = AccountProfile.NONE;
    FairUseStanding fairUse = FairUseStanding.NONE;
    /** Oldest first. */
    final ArrayList<AuditEntry> audit = new ArrayList<>(0);

    /** Applies {@code e}; deletion also turns the callee numbers of {@code usage} into their rate prefix. */
    void apply(OperatorEvent e, List<ChargedCall> usage) {
        if (e instanceof ProfileRecorded p) {
            profile = profile.withSubscriber(p.number(), p.country(), p.ha1());
        } else if (e instanceof SuspensionChanged c) {
            profile = profile.withSuspension(c.suspended() ? c.reason() : null);
            if (!c.suspended()) {
                fairUse = fairUse.lifted(c.at());
            }
        } else if (e instanceof FairUseActed f) {
            fairUse = fairUse.with(f);
        } else if (e instanceof Anonymised) {
            profile = profile.anonymise();
            usage.replaceAll(c -> c.withDestination(c.ratePrefix()));
        } else if (e instanceof OperatorActed a) {
            audit.add(new AuditEntry(a.at(), a.operator(), a.action(), a.detail()));
        }
    }
}
