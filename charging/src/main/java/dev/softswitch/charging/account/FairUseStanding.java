package dev.softswitch.charging.account;

import dev.softswitch.charging.event.JournalEvent.FairUseActed;
import dev.softswitch.charging.journal.JournalCodec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where an account stands under the fair-use policy (FUP-2): whether its account or its plan allowances are
 * suspended, until when and why, when an operator last lifted that, and its latest fair-use actions (at most
 * {@value #MAX_ACTIONS}, newest last). Rebuilt from {@link FairUseActed} events and operator resumptions; kept in
 * snapshots.
 *
 * @param accountUntil the end of the account's suspension ({@link Instant#MAX}: until lifted), null for none
 * @param planUntil    the end of the plan suspension (plans and package minutes do not pay), null for none
 * @param liftedAt     when an operator last lifted the account's suspensions, null for never
 */
public record FairUseStanding(Instant accountUntil, String accountReason, Instant planUntil, String planReason,
                              Instant liftedAt, List<Action> actions) {

    /** The latest actions kept per account; older ones stay in the journal. */
    public static final int MAX_ACTIONS = 32;
    /** An account no detector has acted on. */
    public static final FairUseStanding NONE = new FairUseStanding(null, null, null, null, null, List.of());

    /** One fair-use action on the account, as journalled. */
    public record Action(Instant at, String detector, String action, Instant until, String reason) {
    }

    public FairUseStanding {
        actions = List.copyOf(actions);
    }

    /** The account may not call at {@code now}. */
    public boolean accountSuspendedAt(Instant now) {
        return accountUntil != null && now.isBefore(accountUntil);
    }

    /** The account's plans and package minutes do not pay at {@code now}; its calls fall back to credit. */
    public boolean planSuspendedAt(Instant now) {
        return planUntil != null && now.isBefore(planUntil);
    }

    /** This standing after detector action {@code e}. */
    FairUseStanding with(FairUseActed e) {
        List<Action> next = new ArrayList<>(actions.size() + 1);
        next.addAll(actions.size() >= MAX_ACTIONS ? actions.subList(actions.size() - MAX_ACTIONS + 1, actions.size())
                : actions);
        next.add(new Action(e.at(), e.detector(), e.action(), e.until(), e.reason()));
        return switch (e.action()) {
            case "suspend_account" -> new FairUseStanding(Objects.requireNonNull(e.until(), "until"), e.reason(),
                    planUntil, planReason, liftedAt, next);
            case "suspend_plan" -> new FairUseStanding(accountUntil, accountReason,
                    Objects.requireNonNull(e.until(), "until"), e.reason(), liftedAt, next);
            default -> new FairUseStanding(accountUntil, accountReason, planUntil, planReason, liftedAt, next);
        };
    }

    /** This standing once an operator lifted the account's suspensions at {@code at}. */
    FairUseStanding lifted(Instant at) {
        return new FairUseStanding(null, null, null, null, at, actions);
    }

    void write(DataOutput out) throws IOException {
        JournalCodec.writeInstant(out, accountUntil);
        JournalCodec.writeString(out, accountReason);
        JournalCodec.writeInstant(out, planUntil);
        JournalCodec.writeString(out, planReason);
        JournalCodec.writeInstant(out, liftedAt);
        out.writeInt(actions.size());
        for (Action a : actions) {
            JournalCodec.writeInstant(out, a.at());
            out.writeUTF(a.detector());
            out.writeUTF(a.action());
            JournalCodec.writeInstant(out, a.until());
            out.writeUTF(a.reason());
        }
    }

    static FairUseStanding read(DataInput in) throws IOException {
        Instant accountUntil = JournalCodec.readInstant(in);
        String accountReason = JournalCodec.readString(in);
        Instant planUntil = JournalCodec.readInstant(in);
        String planReason = JournalCodec.readString(in);
        Instant liftedAt = JournalCodec.readInstant(in);
        int n = in.readInt();
        if (n < 0 || n > MAX_ACTIONS) {
            throw new IOException("implausible number of fair-use actions " + n);
        }
        List<Action> actions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            actions.add(new Action(JournalCodec.readInstant(in), in.readUTF(), in.readUTF(),
                    JournalCodec.readInstant(in), in.readUTF()));
        }
        return new FairUseStanding(accountUntil, accountReason, planUntil, planReason, liftedAt, actions);
    }
}
