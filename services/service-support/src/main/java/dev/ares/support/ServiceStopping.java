package dev.ares.support;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether the service has begun to stop: set by the first {@link ShutdownEvent} observer (priority 1, before the
 * services' own shutdown observers close their work queues), read by {@link ShutdownAbandon}.
 */
@ApplicationScoped
public class ServiceStopping {
    private volatile boolean stopping;

    void onStop(@Observes @Priority(1) ShutdownEvent ev) {
        stopping = true;
    }

    /** True once shutdown has begun. */
    public boolean stopping() {
        return stopping;
    }
}
