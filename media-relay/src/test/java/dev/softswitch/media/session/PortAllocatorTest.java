package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PortAllocatorTest {

    @Test
    void handsOutEvenPortsWhoseOddNeighbourIsInTheRange() throws Exception {
        PortAllocator allocator = new PortAllocator(10000, 10005);

        assertThat(List.of(allocator.allocate(), allocator.allocate(), allocator.allocate()))
                .containsExactlyInAnyOrder(10000, 10002, 10004);
        assertThat(allocator.pairsInUse()).isEqualTo(3);
    }

    @Test
    void lastEvenPortWithoutItsOddNeighbourIsNotUsed() throws Exception {
        PortAllocator allocator = new PortAllocator(10000, 10004);

        assertThat(allocator.capacity()).isEqualTo(2);
        allocator.allocate();
        allocator.allocate();
        assertThatThrownBy(allocator::allocate).isInstanceOf(PortsExhaustedException.class);
    }

    @Test
    void throwsWhenExhaustedAndRecoversAfterRelease() throws Exception {
        PortAllocator allocator = new PortAllocator(20000, 20003);
        int first = allocator.allocate();
        allocator.allocate();

        assertThatThrownBy(allocator::allocate)
                .isInstanceOf(PortsExhaustedException.class)
                .hasMessageContaining("2 RTP port pairs");

        allocator.release(first);
        assertThat(allocator.allocate()).isEqualTo(first);
    }

    @Test
    void drawsPairsAtRandomSoThatNeitherCallsNorTheirLegsAreSequential() throws Exception {
        PortAllocator allocator = new PortAllocator(20000, 49999);
        List<Integer> ports = new ArrayList<>();
        for (int call = 0; call < 100; call++) {
            ports.add(allocator.allocate());
            ports.add(allocator.allocate());
        }

        // Sequential ports made every neighbour 2 apart; drawn ones are, with 15,000 pairs, about once in 75 draws.
        int adjacent = 0;
        for (int i = 1; i < ports.size(); i++) {
            if (Math.abs(ports.get(i) - ports.get(i - 1)) == 2) {
                adjacent++;
            }
        }
        assertThat(adjacent).as("neighbours 2 apart in %s", ports).isLessThanOrEqualTo(3);
        assertThat(ports).isNotEqualTo(ports.stream().sorted().toList());
        assertThat(Set.copyOf(ports)).hasSize(200);
    }

    @Test
    void aNearlyFullRangeStillFindsEveryFreePairAndThenReportsExhaustion() throws Exception {
        PortAllocator allocator = new PortAllocator(10000, 11999);
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            all.add(allocator.allocate());
        }
        assertThat(all).hasSize(1000).allMatch(p -> p % 2 == 0 && p >= 10000 && p <= 11998);
        List<Integer> freed = List.of(10000, 11000, 11998);
        freed.forEach(allocator::release);

        Set<Integer> again = new HashSet<>();
        for (int i = 0; i < freed.size(); i++) {
            again.add(allocator.allocate());
        }

        assertThat(again).containsExactlyInAnyOrderElementsOf(freed);
        assertThatThrownBy(allocator::allocate).isInstanceOf(PortsExhaustedException.class);
        assertThat(allocator.pairsInUse()).isEqualTo(1000);
    }

    @Test
    void drawsWithTheRandomGivenSoThatASeedRepeatsTheSequence() throws Exception {
        PortAllocator first = new PortAllocator(30000, 39999, new SplittableRandom(7));
        PortAllocator second = new PortAllocator(30000, 39999, new SplittableRandom(7));

        for (int i = 0; i < 20; i++) {
            assertThat(second.allocate()).isEqualTo(first.allocate());
        }
    }

    @Test
    void refusesToReleaseAPortItDidNotHandOut() throws Exception {
        PortAllocator allocator = new PortAllocator(40000, 40009);
        int port = allocator.allocate();
        allocator.release(port);

        assertThatThrownBy(() -> allocator.release(port)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> allocator.release(40003)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> allocator.release(50000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> allocator.release(39998)).isInstanceOf(IllegalArgumentException.class);
        assertThat(allocator.pairsInUse()).isZero();
    }

    @Test
    void concurrentCallersNeverGetTheSamePort() throws Exception {
        PortAllocator allocator = new PortAllocator(10000, 11999);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<Integer> duplicates = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        Runnable grab = () -> {
            try {
                start.await();
                for (int i = 0; i < 500; i++) {
                    int port = allocator.allocate();
                    if (!seen.add(port)) {
                        synchronized (duplicates) {
                            duplicates.add(port);
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Thread t1 = new Thread(grab);
        Thread t2 = new Thread(grab);
        t1.start();
        t2.start();
        start.countDown();
        t1.join(10_000);
        t2.join(10_000);

        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(1000);
        assertThat(allocator.pairsInUse()).isEqualTo(1000);
    }

    static Stream<Arguments> badRanges() {
        return Stream.of(
                Arguments.of(10001, 10010),
                Arguments.of(10000, 10000),
                Arguments.of(10010, 10000),
                Arguments.of(-2, 10),
                Arguments.of(60000, 70000));
    }

    @ParameterizedTest
    @MethodSource("badRanges")
    void rejectsBadRanges(int min, int max) {
        assertThatThrownBy(() -> new PortAllocator(min, max)).isInstanceOf(IllegalArgumentException.class);
    }
}
