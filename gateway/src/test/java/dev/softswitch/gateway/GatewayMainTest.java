package dev.softswitch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayMainTest {

    private ResourceLeakDetector.Level before;

    @BeforeEach
    void remember() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void restore() {
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void leakDetectionIsOffUnlessTheOperatorChoseALevel() {
        GatewayMain.defaultLeakDetection(null);
        assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
    }

    @Test
    void aBlankPropertyChoosesNothing() {
        GatewayMain.defaultLeakDetection(" ");
        assertEquals(ResourceLeakDetector.Level.DISABLED, ResourceLeakDetector.getLevel());
    }

    @Test
    void aLevelGivenWithTheSystemPropertyStays() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // what Netty read from the property
        GatewayMain.defaultLeakDetection("paranoid");
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void g1WithTheDefaultTenuringGetsAdviceNamingTheOption() {
        List<String> g1 = List.of("G1 Young Generation", "G1 Old Generation");
        assertEquals(Optional.empty(), GatewayMain.tenuringAdvice(g1, "2"));
        assertEquals(Optional.empty(), GatewayMain.tenuringAdvice(g1, "1"));
        assertTrue(GatewayMain.tenuringAdvice(g1, "15").orElseThrow().contains("-XX:MaxTenuringThreshold=2"));
        assertTrue(GatewayMain.tenuringAdvice(g1, "3").isPresent());
        assertEquals(Optional.empty(), GatewayMain.tenuringAdvice(List.of("ZGC Cycles", "ZGC Pauses"), "15"));
        assertEquals(Optional.empty(), GatewayMain.tenuringAdvice(g1, null));
        assertEquals(Optional.empty(), GatewayMain.tenuringAdvice(g1, "x"));
    }
}
