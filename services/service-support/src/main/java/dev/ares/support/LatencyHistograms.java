package dev.ares.support;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Turns on the percentile histogram of the per-record timer {@code ares.process} of the four services, so
 * Prometheus gets {@code ares_process_seconds_bucket{le}} and the dashboard can draw p50/p95/p99 per stage with
 * {@code histogram_quantile} (issue 9, monitoring: latency percentiles). Buckets span 1 ms to 10 min: a
 * rollout batch or an optimizer step can take minutes. Quarkus applies {@link MeterFilter} beans to every
 * registry before the first meter is created.
 */
@Singleton
public class LatencyHistograms {
    /** Name of the per-record processing timer ({@code @Timed} on each consumer's incoming method). */
    public static final String PROCESS_TIMER = "ares.process";

    @Produces
    @Singleton
    MeterFilter processHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && PROCESS_TIMER.equals(id.getName())) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                            .maximumExpectedValue((double) Duration.ofMinutes(10).toNanos())
                            .build().merge(config);
                }
                return config;
            }
        };
    }
}
