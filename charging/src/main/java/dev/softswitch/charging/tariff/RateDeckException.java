package dev.softswitch.charging.tariff;

import java.util.List;

/** A rate deck was rejected whole (CHG-2); {@link #errors()} names every bad line and what is wrong with it. */
public final class RateDeckException extends Exception {

    private final transient List<RateDeckError> errors;

    public RateDeckException(String source, List<RateDeckError> errors) {
        super("rate deck " + source + " rejected, " + errors.size() + " bad line(s): " + summary(errors));
        this.errors = List.copyOf(errors);
    }

    public List<RateDeckError> errors() {
        return errors;
    }

    private static String summary(List<RateDeckError> errors) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < errors.size() && i < 20; i++) {
            sb.append(i == 0 ? "" : "; ").append(errors.get(i));
        }
        if (errors.size() > 20) {
            sb.append("; and ").append(errors.size() - 20).append(" more");
        }
        return sb.toString();
    }
}
