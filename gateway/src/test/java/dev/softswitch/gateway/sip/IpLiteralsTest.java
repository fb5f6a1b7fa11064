package dev.softswitch.gateway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1", "0.0.0.0", "255.255.255.255"})
    void acceptsDottedQuads(String s) {
        assertThat(IpLiterals.isIpv4(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999.1.1.1", "1.2.3.4.5", "1.2.3", "1..2.3", "a.b.c.d", "1.2.3.4 ", "", "0001.1.1.1"})
    void refusesWhatIsNoIpv4Address(String s) {
        assertThat(IpLiterals.isIpv4(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::10", "::1", "::", "2001:db8::192.0.2.1", "::ffff:192.0.2.10",
            "2001:db8::10:5070", "2001:db8:0:0:0:0:0:1", "fe80::1:2:3:4:5:6"})
    void acceptsIpv6Addresses(String s) {
        assertThat(IpLiterals.isIpv6(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:::192.0.2.1", "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "12345::1",
            "2001:db8::g", "2001:db8", "::999.0.2.1", "1:2:3:4:5:6:7::8:9", ""})
    void refusesWhatIsNoIpv6Address(String s) {
        assertThat(IpLiterals.isIpv6(s)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[2001:db8::10]", "[::1]"})
    void acceptsIpv6References(String s) {
        assertThat(IpLiterals.isIpv6Reference(s)).isTrue();
    }
}
