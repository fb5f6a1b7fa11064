package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.session.MediaTimeouts;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The parts of the gateway a {@link B2buaHandler} is wired to (the transaction layer is bound later:
 * it needs the handler first). Charging calls run on {@code chargingExecutor}, never on the SIP
 * core thread: with the journal on they wait for an fsync, and several waiting at once share one
 * (group commit).
 */
public record B2buaParts(
        SipSender sender,
        TimerService timers,
        TimerSettings timerSettings,
        ChargingEngine charging,
        Executor chargingExecutor,
        MediaRelay relay,
        MediaTimeouts mediaTimeouts,
        RoutingService routing,
        Supplier<SubscriberDirectory> subscribers,
        CallRecordWriter callRecords,
        GatewayMetrics metrics,
        OverloadGuard overload) {
}
