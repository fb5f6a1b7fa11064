package dev.softswitch.gateway.config;

/** The media relay's address and UDP port range; RTP takes the even port, RTCP the next (RFC 3550 §11). */
public record MediaConfig(String host, int portMin, int portMax) {

    public MediaConfig {
        Checks.notBlank("host", host);
        Checks.port("portMin", portMin);
        Checks.port("portMax", portMax);
        if (portMin % 2 != 0) {
            throw new InvalidValueException("portMin", portMin + " is odd (RTP uses even ports; use " + (portMin - 1)
                    + " or " + (portMin + 1) + ")");
        }
        if (portMin >= portMax) {
            throw new InvalidValueException("portMax", portMax + " is not above portMin " + portMin
                    + " (use a larger number, e.g. " + Math.min(65535, portMin + 9999) + ")");
        }
    }
}
