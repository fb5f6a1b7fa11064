package dev.softswitch.gateway.b2bua;

import dev.softswitch.charging.cdr.CallRecordWriter;
import dev.softswitch.charging.session.ChargingEngine;
import dev.softswitch.gateway.metrics.GatewayMetrics;
import dev.softswitch.gateway.account.SubscriberDirectory;
import dev.softswitch.gateway.routing.RoutingService;
import dev.softswitch.gateway.time.TimerService;
import dev.softswitch.gateway.transaction.TimerSettings;
import dev.softswitch.gateway.transaction.TransactionLayer;
import dev.softswitch.gateway.transport.SipSender;
import dev.softswitch.media.MediaRelay;
import dev.softswitch.media.MediaTimeouts;
import java.util.function.Supplier;

/** What a {@link Call} needs from the rest of the gateway; all of it used on the SIP core thread. */
record B2buaContext(
        TransactionLayer transactions,
        SipSender sender,
        TimerService timers,
        TimerSettings timerSettings,
        ChargingEngine charging,
        MediaRelay relay,
        MediaTimeouts mediaTimeouts,
        RoutingService routing,
        Supplier<SubscriberDirectory> subscribers,
        CallRecordWriter callRecords,
        GatewayMetrics metrics,
        CallRegistry registry) {
}
