package dev.ares.support;

import io.micrometer.core.annotation.Timed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Registers at startup the timer of every {@link Timed @Timed} method of the application's beans (the
 * {@code ares.process{channel}} record timers of the four services' consumers), so a service that has not
 * processed a record yet already exports {@code ares_process_seconds_count{...,exception="none"} 0} and a
 * dashboard over a fresh deployment shows zero throughput instead of "no data" (issue 9, monitoring).
 *
 * <p>The id is the one Quarkus' {@code @Timed} interceptor records into: the annotation's name and extra tags,
 * {@code class} (declaring class name), {@code method} (method name) and {@code exception=none}, so the first
 * real call increments this timer rather than creating a second series. Methods with {@code @MeterTag}
 * parameters and long-task timers are left alone (their tag values are only known per call).
 */
@ApplicationScoped
public class TimedMeters {
    private static final Logger LOG = Logger.getLogger(TimedMeters.class);

    @Inject
    MeterRegistry registry;

    void start(@Observes StartupEvent ev) {
        List<String> registered = new ArrayList<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            if (type.getName().startsWith("dev.ares.")) {
                for (Method m : type.getDeclaredMethods()) {
                    Timed timed = m.getAnnotation(Timed.class);
                    if (timed != null && !timed.longTask() && !hasMeterTags(m)) {
                        registered.add(register(registry, timed, m).getId().toString());
                    }
                }
            }
        }
        LOG.debugf("timers registered at startup: %s", registered);
    }

    /**
     * Registers (or finds) the timer the {@code @Timed} interceptor records a successful call of {@code method} in.
     *
     * @return the timer: name {@code timed.value()}, tags extra tags + class + method + {@code exception=none}
     */
    static Timer register(MeterRegistry registry, Timed timed, Method method) {
        Timer.Builder b = Timer.builder(timed.value().isEmpty() ? "method.timed" : timed.value())
                .tags(timed.extraTags())
                .tag("class", method.getDeclaringClass().getName())
                .tag("method", method.getName())
                .tag("exception", "none")
                .publishPercentileHistogram(timed.histogram());
        if (!timed.description().isEmpty()) {
            b.description(timed.description());
        }
        if (timed.percentiles().length > 0) {
            b.publishPercentiles(timed.percentiles());
        }
        return b.register(registry);
    }

    private static boolean hasMeterTags(Method m) {
        for (Parameter p : m.getParameters()) {
            for (var a : p.getAnnotations()) {
                if (a.annotationType().getName().startsWith("io.micrometer.core.aop.MeterTag")) {
                    return true;
                }
            }
        }
        return false;
    }
}
