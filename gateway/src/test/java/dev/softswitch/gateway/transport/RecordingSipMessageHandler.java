package dev.softswitch.gateway.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SipMessageHandler} that collects what the pipeline delivers. */
final class RecordingSipMessageHandler implements SipMessageHandler {

    final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(InboundMessage message) {
        messages.add(message);
    }
}
