package dev.softswitch.gateway.admin;

/** What a bearer token may do (OPS-2). */
public enum ApiRole {
    /** GET only. */
    READ_ONLY("read-only"),
    /** Everything. */
    OPERATOR("operator");

    private final String configName;

    ApiRole(String configName) {
        this.configName = configName;
    }

    /** The role named as in the configuration ({@code read-only}, {@code operator}). */
    public static ApiRole of(String configName) {
        for (ApiRole r : values()) {
            if (r.configName.equals(configName)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role " + configName);
    }

    public String configName() {
        return configName;
    }
}
