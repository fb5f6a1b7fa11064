package dev.softswitch.charging.account;

import java.time.Instant;

/** One journalled operator change (OPS-2): when, who (the API token's name), what and on what. */
public record AuditEntry(Instant at, String operator, String action, String detail) {
}
