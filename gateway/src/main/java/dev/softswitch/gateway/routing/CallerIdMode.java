package dev.softswitch.gateway.routing;

/** Where a trunk expects the caller's verified number (SIG-3): From, P-Asserted-Identity (RFC 3325) or both. */
public enum CallerIdMode {
    FROM, PAI, BOTH
}
