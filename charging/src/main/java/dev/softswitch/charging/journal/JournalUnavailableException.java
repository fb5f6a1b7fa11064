package dev.softswitch.charging.journal;

/** The journal cannot make an event durable; the engine fails closed (refuses) when it sees this. */
public class JournalUnavailableException extends RuntimeException {

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
