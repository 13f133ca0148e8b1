package dev.ares.core.compute;

/**
 * Whether a compute step can do its work now, and if not, why (shown by the services'
 * {@code /q/health/ready}).
 *
 * @param ready  true when the step can process records
 * @param reason a human-readable cause when not ready (for example "no model loaded: waiting for a
 *               checkpoint event"); a short status when ready
 */
public record Readiness(boolean ready, String reason) {

    public Readiness {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Readiness.reason must be given");
        }
    }

    public static Readiness up(String status) {
        return new Readiness(true, status);
    }

    public static Readiness down(String reason) {
        return new Readiness(false, reason);
    }
}
