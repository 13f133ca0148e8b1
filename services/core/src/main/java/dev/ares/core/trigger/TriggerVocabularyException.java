package dev.ares.core.trigger;

/** A trigger word list that cannot be read or has a malformed line; the message names the source and line. */
public class TriggerVocabularyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, with source and line */
    public TriggerVocabularyException(String message) {
        super(message);
    }

    /** @param message what is wrong @param cause underlying I/O error */
    public TriggerVocabularyException(String message, Throwable cause) {
        super(message, cause);
    }
}
