package dev.softswitch.gateway.b2bua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softswitch.gateway.sip.SipLines;
import dev.softswitch.gateway.sip.SipMessages;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.InDialogRequest;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.gateway.transport.TransportType;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Random;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/**
 * The ACK and BYE a dialog writes from its strings ({@link DialogLeg#ackBytes}, {@link DialogLeg#newRequestBytes})
 * must be, byte for byte, the message it builds the JAIN-SIP way, encoded, with the same branch and CSeq: for the carrier leg the gateway
 * sets up and for seeded random parties, targets, tags and Call-IDs as JAIN-SIP writes them (display names,
 * escapes, IPv6, URI parameters and headers), where it declines what is not plain.
 */
class InDialogRequestTest {

    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();
    private static final String[] USERS = {"+447400123456", "alice", "carrier", "a.b-c_d", "%61lice", "bob:secret",
        "+1", "0044#1"};
    private static final String[] HOSTS = {"127.0.0.1", "carrier.example.net", "GW.Example.COM", "[2001:db8::1]",
        "192.0.2.7", "x"};
    private static final String[] PARAMS = {"transport=UDP", "transport=tcp", "lr", "user=phone", "ob",
        "maddr=192.0.2.1", "x=\"y z\"", "expires=30"};
    private static final String[] NAMES = {"Carrier", "Zoë", "A \\\"B\\\"", "山田"};
    private static final String[] TOKENS = {"10638SIPpTag011", "as5f3a2c1b", "a-b.c!d~e*f", "x%20y", "1-2@h",
        "tag with space"};

    @Test
    void theCarrierLegsAckIsWrittenAsJainSipEncodesIt() throws Exception {
        DialogLeg leg = leg("<sip:+447400000001@127.0.0.1>", "<sip:+447400123456@127.0.0.1:5080>",
                "sip:carrier@127.0.0.1:5080;transport=UDP", "89399d8488a0730e264ffbc79f3626ea",
                new InetSocketAddress("127.0.0.1", 5060), TransportType.UDP);
        leg.remoteTag("10638SIPpTag011");
        byte[] bytes = leg.ackBytes(1, "z9hG4bK69238fdd2a5c902d29b54af1");
        assertThat(bytes).as("a plain dialog is written straight").isNotNull();
        assertThat(text(bytes)).isEqualTo(expected(leg, 1, "z9hG4bK69238fdd2a5c902d29b54af1", TransportType.UDP))
                .startsWith("ACK sip:carrier@127.0.0.1:5080;transport=UDP SIP/2.0\r\nCall-ID: 8939")
                .contains("\r\nTo: <sip:+447400123456@127.0.0.1:5080>;tag=10638SIPpTag011\r\n");
        assertThat(text(leg.newRequestBytes(Request.BYE, "z9hG4bKd4bddc1bd6785805fdcc1607")))
                .isEqualTo(text(leg.build(Request.BYE, 1, "z9hG4bKd4bddc1bd6785805fdcc1607").encodeAsBytes("UDP")))
                .startsWith("BYE sip:carrier@127.0.0.1:5080;transport=UDP SIP/2.0\r\n").contains("\r\nCSeq: 1 BYE\r\n");
        assertThat(leg.localCseq()).isEqualTo(1);
        for (TransportType transport : TransportType.values()) {
            DialogLeg tcp = leg("sip:a@b", "<sip:c@d;user=phone>", "sip:e@f", "id", new InetSocketAddress("10.0.0.1",
                    5061), transport);
            assertThat(text(tcp.ackBytes(7, "z9hG4bKx"))).as(transport.name())
                    .isEqualTo(expected(tcp, 7, "z9hG4bKx", transport));
        }
    }

    /**
     * The carrier INVITE {@link CarrierAttempts} writes is the one it builds otherwise, byte for byte: with and
     * without P-Asserted-Identity, a client's session interval or not, over each transport; a display name in the
     * asserted identity is built instead.
     */
    @Test
    void theCarrierInviteIsWrittenAsItIsBuilt() throws Exception {
        byte[] offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 21118 RTP/AVP 0\r\n"
                .getBytes(StandardCharsets.UTF_8);
        int compared = 0;
        for (TransportType transport : TransportType.values()) {
            for (String asserted : new String[] {null, "<sip:+447400000001@127.0.0.1>", "\"Zoë\" <sip:+4474@h>"}) {
                for (int maxForwards : new int[] {69, 0, 70}) {
                    SessionTimers sessions = new SessionTimers(new dev.softswitch.gateway.time.ManualTimerService(),
                            dev.softswitch.gateway.config.SessionTimersConfig.DEFAULTS, refresh -> { }, () -> { });
                    DialogLeg written = leg("<sip:+447400000001@127.0.0.1>", "<sip:+447400123456@127.0.0.1:5080>",
                            "sip:+447400123456@127.0.0.1:5080", "89399d8488a0730e264ffbc79f3626ea",
                            new InetSocketAddress("127.0.0.1", 5060), transport);
                    DialogLeg built = leg("<sip:+447400000001@127.0.0.1>", "<sip:+447400123456@127.0.0.1:5080>",
                            "sip:+447400123456@127.0.0.1:5080", "89399d8488a0730e264ffbc79f3626ea",
                            new InetSocketAddress("127.0.0.1", 5060), transport);
                    String branch = "z9hG4bK580be7e87a5f10f37ebbca2e";
                    byte[] bytes = CarrierAttempts.writtenInvite(written, maxForwards, asserted, offer, sessions, branch);
                    if (asserted != null && asserted.startsWith("\"")) {
                        assertThat(bytes).as("a display name is built, not written").isNull();
                        assertThat(written.localCseq()).isZero();
                        continue;
                    }
                    SIPMessage reference = CarrierAttempts.builtInvite(built, maxForwards, asserted, offer, sessions,
                            branch);
                    assertThat(text(bytes)).as("%s, %s, Max-Forwards %d", transport, asserted, maxForwards)
                            .isEqualTo(text(reference.encodeAsBytes(transport.viaToken())));
                    assertThat(written.localCseq()).isEqualTo(built.localCseq()).isEqualTo(1);
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(TransportType.values().length * 2 * 3);
    }

    @Test
    void seededRandomDialogsAreWrittenAsJainSipEncodesThemOrDeclined() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int written = 0;
        int declined = 0;
        for (int n = 0; n < 8_000; n++) {
            Address local = address(random);
            Address remote = address(random);
            URI target = uri(random);
            if (local == null || remote == null || target == null) {
                continue;
            }
            TransportType transport = TransportType.values()[random.nextInt(TransportType.values().length)];
            InetSocketAddress here = random.nextInt(8) == 0 ? new InetSocketAddress("::1", 5060)
                    : new InetSocketAddress("127.0.0." + random.nextInt(255), 1024 + random.nextInt(60000));
            DialogLeg leg = new DialogLeg(pick(random, TOKENS) + random.nextInt(1000), pick(random, TOKENS), local,
                    remote, target, new Endpoint(new InetSocketAddress("192.0.2.9", 5080), transport), null,
                    sender(here), 0);
            if (random.nextBoolean()) {
                leg.remoteTag(pick(random, TOKENS));
            }
            long cseq = random.nextInt(1 << 30);
            String branch = "z9hG4bK" + Long.toHexString(random.nextLong());
            byte[] bytes = leg.ackBytes(cseq, branch);
            long before = leg.localCseq();
            byte[] bye = leg.newRequestBytes(Request.BYE, branch);
            if (bytes == null) {
                assertThat(bye).isNull();
                assertThat(leg.localCseq()).as("a request not written takes no CSeq").isEqualTo(before);
                declined++;
                continue;
            }
            written++;
            assertThat(text(bytes)).as("seed %d, dialog %d", seed, n).isEqualTo(expected(leg, cseq, branch, transport));
            assertThat(leg.localCseq()).isEqualTo(before + 1);
            assertThat(text(bye)).as("seed %d, dialog %d, BYE", seed, n)
                    .isEqualTo(text(leg.build(Request.BYE, before + 1, branch).encodeAsBytes(transport.viaToken())));
        }
        assertThat(written).as("seed %d: written straight", seed).isGreaterThan(300);
        assertThat(declined).as("seed %d: declined", seed).isGreaterThan(300);
    }

    /**
     * {@link CarrierAttempts#carrierLeg} writes the parties and target as strings where the hosts are plain; the leg
     * must be the one built from addresses, for any dialled or caller user (as escaped), host and port: the same
     * built ACK and BYE, and the same bytes written (or both declined).
     */
    @Test
    void aCarrierLegFromStringsIsTheLegBuiltFromAddresses() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] hosts = {"127.0.0.1", "192.0.2.77", "carrier.example.net", "sbc-1.example", "Carrier.Example.NET",
            "::1", "2001:db8::5", "x"};
        String alphabet = "+0123456789abcXYZ-_.!~*'()&=+$,;?/#% @:<>\"ë山";
        int plain = 0;
        for (int n = 0; n < 3_000; n++) {
            String requestUser = SipMessages.escapeUser(user(random, alphabet));
            String fromUser = SipMessages.escapeUser(user(random, alphabet));
            String destHost = pick(random, hosts);
            String localHost = random.nextInt(4) == 0 ? pick(random, hosts) : "127.0.0." + random.nextInt(255);
            TransportType transport = TransportType.values()[random.nextInt(TransportType.values().length)];
            Endpoint dest = new Endpoint(socketAddress(destHost, 1 + random.nextInt(65535)), transport);
            InetSocketAddress local = socketAddress(localHost, 5060);
            DialogLeg leg = CarrierAttempts.carrierLeg("c1d2e3", "8be44baad5f229a7", requestUser, fromUser, dest, local,
                    null, sender(local));
            SipURI ruri = SipLines.sipUri(requestUser, dest.address().getHostString());
            ruri.setPort(dest.address().getPort());
            DialogLeg built = new DialogLeg("c1d2e3", "8be44baad5f229a7",
                    ADDRESSES.createAddress(SipLines.sipUri(fromUser, local.getHostString())),
                    ADDRESSES.createAddress((URI) ruri.clone()), ruri, dest, null, sender(local), 0);
            String tag = "10638SIPpTag0" + n;
            leg.remoteTag(tag);
            built.remoteTag(tag);
            String what = "seed " + seed + ": " + requestUser + " @ " + destHost + " from " + fromUser + " @ " + localHost;
            assertThat(text(leg.build(Request.ACK, 1, "z9hG4bKa").encodeAsBytes(transport.viaToken()))).as(what)
                    .isEqualTo(text(built.build(Request.ACK, 1, "z9hG4bKa").encodeAsBytes(transport.viaToken())));
            byte[] written = leg.ackBytes(1, "z9hG4bKa");
            byte[] reference = built.ackBytes(1, "z9hG4bKa");
            assertThat(written == null).as(what).isEqualTo(reference == null);
            if (written != null) {
                assertThat(text(written)).as(what).isEqualTo(text(reference));
                assertThat(text(leg.newRequestBytes(Request.BYE, "z9hG4bKb"))).as(what)
                        .isEqualTo(text(built.newRequestBytes(Request.BYE, "z9hG4bKb")));
                plain++;
            }
        }
        assertThat(plain).as("seed %d: legs written straight", seed).isGreaterThan(500);
    }

    /** A literal address as given (no lookup), a name unresolved. */
    private static InetSocketAddress socketAddress(String host, int port) {
        return Character.isLetter(host.charAt(0)) ? InetSocketAddress.createUnresolved(host, port)
                : new InetSocketAddress(host, port);
    }

    private static String user(Random random, String alphabet) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(3) == 0 ? 1 + random.nextInt(6) : 1 + random.nextInt(16);
        boolean digits = random.nextBoolean();
        for (int i = 0; i < length; i++) {
            s.append(digits && i > 0 ? (char) ('0' + random.nextInt(10)) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void writableIsWhatJainSipWritesBackUnchanged() {
        String party = "<sip:+447400123456@127.0.0.1:5080;transport=UDP>";
        assertThat(InDialogRequest.writable("sip:c@h", "id@h", party, "a1", party, null, "127.0.0.1")).isTrue();
        assertThat(InDialogRequest.writable("sip:c@h", "id@h", party, "a1", party, "b-2.x", "gw.example")).isTrue();
        assertThat(InDialogRequest.writable("sip:c@h", "id@h", "\"A\" <sip:a@b>", "a1", party, null, "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@[::1]", "id", party, "a1", party, null, "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@h?subject=x", "id", party, "a1", party, null, "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@h", "id", party, "a@1", party, null, "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@h", "i@d@h", party, "a1", party, null, "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@h", "id", party, "a1", party, "", "h")).isFalse();
        assertThat(InDialogRequest.writable("sip:c@h", "id", party, "a1", party, null, "::1")).isFalse();
        assertThat(InDialogRequest.writable("sip:Zoë@h", "id", party, "a1", party, null, "h")).isFalse();
    }

    private static String expected(DialogLeg leg, long cseq, String branch, TransportType transport) throws Exception {
        SIPMessage ack = leg.build(Request.ACK, cseq, branch);
        return text(ack.encodeAsBytes(transport.viaToken()));
    }

    private static DialogLeg leg(String local, String remote, String target, String callId, InetSocketAddress here,
            TransportType transport) throws ParseException {
        return new DialogLeg(callId, "8be44baad5f229a7", ADDRESSES.createAddress(local), ADDRESSES.createAddress(remote),
                ADDRESSES.createURI(target), new Endpoint(new InetSocketAddress("127.0.0.1", 5080), transport), null,
                sender(here), 0);
    }

    private static Address address(Random random) {
        StringBuilder s = new StringBuilder();
        int shape = random.nextInt(4);
        if (shape == 0) {
            s.append('"').append(pick(random, NAMES)).append("\" ");
        }
        String uri = uriText(random);
        s.append(shape == 3 ? uri.replaceAll(";.*", "") : "<" + uri + ">");
        try {
            return ADDRESSES.createAddress(s.toString());
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static URI uri(Random random) {
        try {
            return ADDRESSES.createURI(random.nextInt(10) == 0 ? "tel:+447400123456" : uriText(random));
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static String uriText(Random random) {
        StringBuilder s = new StringBuilder(random.nextInt(8) == 0 ? "sips:" : "sip:");
        if (random.nextInt(5) > 0) {
            s.append(pick(random, USERS)).append('@');
        }
        s.append(pick(random, HOSTS));
        if (random.nextBoolean()) {
            s.append(':').append(1 + random.nextInt(65535));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            s.append(';').append(pick(random, PARAMS));
        }
        if (random.nextInt(10) == 0) {
            s.append("?subject=hi");
        }
        return s.toString();
    }

    private static SipSender sender(InetSocketAddress here) {
        return new SipSender() {
            @Override
            public void send(SIPMessage message, Endpoint destination) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void sendResponse(SIPResponse response) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InetSocketAddress localAddress(TransportType transport) {
                return here;
            }
        };
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
