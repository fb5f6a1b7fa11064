package dev.softswitch.gateway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.testing.DeepFields;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.extensions.MinSE;
import java.util.List;
import javax.sip.header.Header;
import org.junit.jupiter.api.Test;

class HeaderCopiesTest {

    private final HeaderFactoryImpl factory = new HeaderFactoryImpl();

    @Test
    void aCopyIsWhatTheFactoryParsesFromTheSameText() throws Exception {
        for (List<String> h : List.of(List.of("Supported", "timer"), List.of("Session-Expires", "1800;refresher=uas"),
                List.of("Min-SE", "90"), List.of("Require", "timer"), List.of("Session-Expires", "90"))) {
            for (int round = 0; round < 2; round++) {
                Header copy = HeaderCopies.of(h.get(0), h.get(1));
                Header parsed = factory.createHeader(h.get(0), h.get(1));
                assertThat(DeepFields.difference(parsed, copy)).as(h + " round " + round).isNull();
                assertThat(copy.toString()).isEqualTo(parsed.toString());
            }
        }
    }

    @Test
    void eachCallerGetsItsOwnObject() throws Exception {
        MinSE first = (MinSE) HeaderCopies.of("Min-SE", "120");
        first.setExpires(600);
        MinSE second = (MinSE) HeaderCopies.of("Min-SE", "120");
        assertThat(second).isNotSameAs(first);
        assertThat(second.getExpires()).isEqualTo(120);
    }

    @Test
    void pastTheKeptTextsHeadersAreStillMadeRight() throws Exception {
        for (int i = 0; i < HeaderCopies.MAX_KEPT + 10; i++) {
            assertThat(((MinSE) HeaderCopies.of("Min-SE", Integer.toString(1000 + i))).getExpires())
                    .isEqualTo(1000 + i);
        }
    }
}
