package dev.softswitch.gateway.e2e;

/** How SIPp carries SIP: its {@code -t} mode. One socket for all calls, as an app client or carrier would. */
public enum SippTransport {
    UDP("u1"),
    TCP("t1");

    private final String mode;

    SippTransport(String mode) {
        this.mode = mode;
    }

    /** The value of SIPp's {@code -t} option. */
    public String mode() {
        return mode;
    }
}
