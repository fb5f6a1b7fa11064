package dev.softswitch.gateway.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softswitch.media.srtp.SrtpSuite;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SDES crypto attributes, RFC 4568 section 9.1. */
class SdpCryptoTest {

    /** baresip 1.0.0's attribute from the fixture. */
    private static final String BARESIP = "1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr";

    @Test
    void readsTheBaresipAttribute() throws Exception {
        SdpCrypto crypto = SdpCrypto.parse(BARESIP).orElseThrow();

        assertThat(crypto.tag()).isEqualTo(1);
        assertThat(crypto.key().suite()).isEqualTo(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
        assertThat(crypto.key().toInline()).isEqualTo("IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr");
        assertThat(crypto.toAttributeValue()).isEqualTo(BARESIP);
    }

    @Test
    void neverPrintsTheKey() throws Exception {
        SdpCrypto crypto = SdpCrypto.parse(BARESIP).orElseThrow();

        assertThat(crypto.toString()).doesNotContain("IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr").contains("hidden");
        assertThat(crypto.key().toString()).doesNotContain("IAFZ");
    }

    static Stream<Arguments> unsupported() {
        return Stream.of(
                Arguments.of("2 AES_256_CM_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr"),
                Arguments.of("1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr|2^20|1:4"),
                Arguments.of("1 AES_CM_128_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr UNENCRYPTED_SRTP"));
    }

    @ParameterizedTest
    @MethodSource("unsupported")
    void skipsSuitesMkiAndSessionParametersTheRelayDoesNotSpeak(String value) throws Exception {
        assertThat(SdpCrypto.parse(value)).isEqualTo(Optional.empty());
    }

    @Test
    void acceptsALifetime() throws Exception {
        assertThat(SdpCrypto.parse("7 AES_CM_128_HMAC_SHA1_32 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr|2^31"))
                .hasValueSatisfying(c -> assertThat(c.key().suite()).isEqualTo(SrtpSuite.AES_CM_128_HMAC_SHA1_32));
    }

    @Test
    void refusesMalformedAttributesAndKeysWithAReason() {
        assertThatThrownBy(() -> SdpCrypto.parse("AES_CM_128_HMAC_SHA1_80 inline:abc"))
                .isInstanceOf(SdpException.class).hasMessage("SDP crypto attribute malformed");
        assertThatThrownBy(() -> SdpCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ="))
                .isInstanceOf(SdpException.class).hasMessage("SDP crypto key malformed");
    }

    @Test
    void selectsTheFirstSupportedAttributeOrRefusesFor488() throws Exception {
        SdpCrypto chosen = SdpCrypto.select(List.of(
                "1 AES_256_CM_HMAC_SHA1_80 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr",
                "2 AES_CM_128_HMAC_SHA1_32 inline:IAFZOtd292Mw59E5sQdou2aBhlABWLFUH1HGWpSr"));
        assertThat(chosen.tag()).isEqualTo(2);

        assertThatThrownBy(() -> SdpCrypto.select(List.of()))
                .isInstanceOf(SdpException.class).hasMessage("No supported SRTP crypto suite");
    }

    @Test
    void theRelaysAnswerKeepsTagAndSuiteWithAFreshKey() throws Exception {
        SdpCrypto offered = SdpCrypto.parse(BARESIP).orElseThrow();
        SecureRandom random = new SecureRandom();

        SdpCrypto answer = offered.withFreshKey(random);

        assertThat(answer.tag()).isEqualTo(1);
        assertThat(answer.key().suite()).isEqualTo(offered.key().suite());
        assertThat(answer.key()).isNotEqualTo(offered.key());
        assertThat(answer.key()).isNotEqualTo(offered.withFreshKey(random).key());
        assertThat(SdpCrypto.parse(answer.toAttributeValue())).contains(answer);
    }
}
