package dev.ares.core.scoring;

/**
 * A persisted controller state (the {@code controllerState} map of a scored batch) cannot be read back: a key is
 * missing or unknown, or a value is out of range. The message names the key.
 */
public class ControllerStateFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the key */
    public ControllerStateFormatException(String message) {
        super(message);
    }
}
