package dev.softswitch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.ResourceLeakDetector;
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
}
