package dev.softswitch.gateway.admin;

/** Who sent an authenticated request: the token's name (journalled with every change) and its role. */
public record ApiCaller(String name, ApiRole role) {
}
