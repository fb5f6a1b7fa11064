package dev.softswitch.gateway;

import dev.softswitch.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which changed parts of a reloaded configuration only a restart applies (OPS-3: reload names them). */
final class ConfigChanges {

    private ConfigChanges() {
    }

    static List<String> needingRestart(GatewayConfig running, GatewayConfig next) {
        List<String> out = new ArrayList<>();
        changed(out, "sip", running.sip(), next.sip());
        changed(out, "http", running.http(), next.http());
        changed(out, "media", running.media(), next.media());
        changed(out, "cdr", running.cdr(), next.cdr());
        changed(out, "auth", running.auth(), next.auth());
        changed(out, "clients", running.clients(), next.clients());
        changed(out, "charging.journal", running.charging().journal(), next.charging().journal());
        changed(out, "routing.probeInterval", running.routing().probeInterval(), next.routing().probeInterval());
        changed(out, "routing.probeFailures", running.routing().probeFailures(), next.routing().probeFailures());
        return out;
    }

    private static void changed(List<String> out, String name, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            out.add(name);
        }
    }
}
