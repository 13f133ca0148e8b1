package dev.ares.core.aepo;

/** Argument checks shared by the AEPO functions; each failure is an {@link AepoInputException}. */
final class Checks {
    private Checks() {
    }

    static void positive(int value, String name) {
        if (value <= 0) {
            throw new AepoInputException(name + " must be > 0, got " + value);
        }
    }

    static void length(int actual, int expected, String name) {
        if (actual != expected) {
            throw new AepoInputException(name + " has length " + actual + ", expected " + expected);
        }
    }

    static void atLeast(int actual, int expected, String name) {
        if (actual < expected) {
            throw new AepoInputException(name + " has length " + actual + ", expected at least " + expected);
        }
    }

    static void finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new AepoInputException(name + " must be finite, got " + value);
        }
    }

    static void inRange(double value, double lo, double hi, String name) {
        if (!(value >= lo && value <= hi)) {
            throw new AepoInputException(name + " must lie in [" + lo + ", " + hi + "], got " + value);
        }
    }
}
