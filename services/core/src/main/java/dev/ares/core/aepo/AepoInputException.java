package dev.ares.core.aepo;

/**
 * Thrown when an AEPO function receives input that violates its documented contract (shape mismatch,
 * non-finite entropy, empty group, out-of-range configuration value). The message names the offending
 * argument or field and, where known, the index, group id or input line.
 */
public class AepoInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where (argument, field, index) */
    public AepoInputException(String message) {
        super(message);
    }
}
