package dev.ares.kafkalocal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A local broker found through the pid and port files of its data directory, typically started by
 * another process (e.g. an earlier {@code ./ares kafka start}). Obtained from
 * {@link LocalKafka#find(Path)}, which only returns brokers whose process runs {@link BrokerMain} on
 * this data directory.
 *
 * @param pid     process id of the broker JVM
 * @param port    client port on 127.0.0.1
 * @param dataDir absolute data directory
 */
public record RunningBroker(long pid, int port, Path dataDir) {

    /** {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** True while the process is alive and still ours. */
    public boolean isAlive() {
        return BrokerProcesses.isOurBroker(pid, dataDir);
    }

    /**
     * Stops this broker: SIGTERM, wait up to {@code grace}, then SIGKILL. Re-checks first that the
     * pid is still our broker; a process that is not ours is left alone. Removes the pid and port
     * files once the process is gone.
     *
     * @return true if our broker was running and has exited; false if the pid was not ours
     * @throws BrokerStartException if the process survives SIGKILL
     */
    public boolean stop(Duration grace) {
        if (!BrokerProcesses.isOurBroker(pid, dataDir)) {
            return false;
        }
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null && !BrokerProcesses.terminate(h, grace)) {
            throw new BrokerStartException("broker pid " + pid + " did not exit after SIGTERM and SIGKILL");
        }
        BrokerFiles.clearPidAndPort(dataDir);
        return true;
    }
}
