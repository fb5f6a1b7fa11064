package dev.softswitch.gateway.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The character classes of {@link SipCursor}, read from a table, against their definitions spelled out. */
class SipCursorTest {

    @Test
    void everyCharacterIsClassedAsItsDefinitionSays() {
        for (int i = 0; i <= Character.MAX_VALUE; i++) {
            char c = (char) i;
            boolean alphaDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            assertThat(SipCursor.isAlphaDigit(c)).as("alphanumeric %d", i).isEqualTo(alphaDigit);
            assertThat(SipCursor.isTokenChar(c)).as("token %d", i).isEqualTo(alphaDigit || "-.!*_+`'~".indexOf(c) >= 0);
            assertThat(SipCursor.isHostChar(c)).as("host %d", i).isEqualTo(alphaDigit || c == '-' || c == '.');
            assertThat(SipCursor.isUserChar(c)).as("user %d", i).isEqualTo(alphaDigit || "-_.!~*'()+".indexOf(c) >= 0);
        }
    }
}
