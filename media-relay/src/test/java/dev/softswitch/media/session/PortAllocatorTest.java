package dev.softswitch.media.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
                .containsExactly(10000, 10002, 10004);
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
    void reusesFreedPortsLeastRecentlyReleasedFirst() throws Exception {
        PortAllocator allocator = new PortAllocator(30000, 30007);
        int a = allocator.allocate();
        int b = allocator.allocate();
        allocator.release(b);
        allocator.release(a);

        // 30004 and 30006 were never used; then b, then a.
        assertThat(List.of(allocator.allocate(), allocator.allocate(), allocator.allocate(), allocator.allocate()))
                .containsExactly(30004, 30006, b, a);
        assertThat(allocator.pairsInUse()).isEqualTo(4);
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
