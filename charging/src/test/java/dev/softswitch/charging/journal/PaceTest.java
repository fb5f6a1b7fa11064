package dev.softswitch.charging.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PaceTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Long> rests = new ArrayList<>();
    private final Pace pace = new Pace(now::get, nanos -> {
        rests.add(nanos);
        now.addAndGet(nanos);
    });

    @Test
    void restsTwiceTheTimeEachStepOfBytesTookAndNotBeforeAStepIsDone() {
        now.addAndGet(4_000_000);
        pace.advance(Pace.STEP - 1);
        assertEquals(List.of(), rests, "no rest inside a step");
        now.addAndGet(1_000_000);
        pace.advance(1);
        assertEquals(List.of(10_000_000L), rests, "a step of 5 ms rests 10 ms");

        now.addAndGet(3_000_000);
        pace.advance(Pace.STEP);
        assertEquals(List.of(10_000_000L, 6_000_000L), rests, "the rest is not counted as the next step's work");
    }

    @Test
    void aSlowStepRestsNoLongerThanTheCap() {
        now.addAndGet(1_000_000_000);
        pace.advance(Pace.STEP);
        assertEquals(List.of(Pace.MAX_REST_NANOS), rests);
    }
}
