package dev.ares.kafkalocal;

import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether a Kafka cluster answers, checked in the background: every {@code every} an Admin
 * {@code describeCluster} call with a deadline of {@code timeout}; {@link #status()} returns the last result
 * at once, so a readiness probe never blocks on an unreachable broker. Works for any cluster, not only the
 * local one.
 */
public final class BrokerProbe implements AutoCloseable {
    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private volatile Status status;

    /**
     * The result of the last check.
     *
     * @param up        true when the cluster answered
     * @param detail    the cluster id when up, else why not
     * @param checkedAt when the check finished
     */
    public record Status(boolean up, String detail, Instant checkedAt) {
    }

    /** Starts probing {@code bootstrap} at once and then every {@code every}. */
    public BrokerProbe(String bootstrap, Duration every, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ares-broker-probe");
        this.admin = Admin.create(p);
        this.timeout = timeout;
        this.status = new Status(false, "broker " + bootstrap + " not checked yet", Instant.now());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ares-broker-probe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> check(bootstrap), 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check(String bootstrap) {
        try {
            String id = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            status = new Status(true, "cluster " + id + " at " + bootstrap, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            status = new Status(false, "broker " + bootstrap + " unreachable: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), Instant.now());
        }
    }

    /** The last result, without waiting. */
    public Status status() {
        return status;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
