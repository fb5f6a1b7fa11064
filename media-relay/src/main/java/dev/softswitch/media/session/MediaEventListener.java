package dev.softswitch.media.session;

/**
 * Receives a session's {@link MediaEvent}s. Called on the relay's event loop: it must return
 * quickly and hand real work (ending a call) to the gateway's own threads.
 */
@FunctionalInterface
public interface MediaEventListener {

    void onMediaEvent(MediaEvent event);
}
