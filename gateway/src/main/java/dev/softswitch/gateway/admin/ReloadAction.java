package dev.softswitch.gateway.admin;

/**
 * Re-reads the configuration and applies what can change without a restart (OPS-3). Returns a
 * one-line summary; throws {@link dev.softswitch.gateway.config.ConfigException} naming every bad
 * line when the new file is refused (the running configuration then stays).
 */
@FunctionalInterface
public interface ReloadAction {

    String reload() throws Exception;

    /** For servers that offer no reload. */
    ReloadAction NONE = () -> {
        throw new UnsupportedOperationException("reload is not available");
    };
}
