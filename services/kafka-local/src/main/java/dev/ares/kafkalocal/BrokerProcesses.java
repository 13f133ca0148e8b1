package dev.ares.kafkalocal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Identifies and stops broker processes by pid, only when they are provably ours: the process's
 * command line runs {@link BrokerMain} with {@code --data-dir} equal to the given data directory.
 * A pid whose process is anything else (a recycled pid, another broker) is never signalled.
 */
final class BrokerProcesses {

    private BrokerProcesses() {
    }

    /**
     * @param pid     process id from a pid file
     * @param dataDir the data directory the broker must have been started with
     * @return true if the process is alive and runs {@link BrokerMain} on {@code dataDir}
     */
    static boolean isOurBroker(long pid, Path dataDir) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        List<String> args = commandLine(pid, h.get());
        int main = args.indexOf(BrokerMain.class.getName());
        if (main < 0) {
            return false;
        }
        String want = dataDir.toAbsolutePath().normalize().toString();
        for (int i = main + 1; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--data-dir")) {
                return Path.of(args.get(i + 1)).toAbsolutePath().normalize().toString().equals(want);
            }
        }
        return false;
    }

    /**
     * Sends SIGTERM, waits up to {@code grace}, then SIGKILL and waits again.
     *
     * @return true if the process has exited
     */
    static boolean terminate(ProcessHandle h, Duration grace) {
        if (!h.isAlive()) {
            return true;
        }
        h.destroy();
        if (waitForExit(h, grace)) {
            return true;
        }
        h.destroyForcibly();
        return waitForExit(h, Duration.ofSeconds(10));
    }

    private static boolean waitForExit(ProcessHandle h, Duration d) {
        try {
            h.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (ExecutionException e) {
            return !h.isAlive();
        }
    }

    private static List<String> commandLine(long pid, ProcessHandle h) {
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        if (Files.isReadable(proc)) {
            try {
                String raw = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
                return Arrays.asList(raw.split("\0"));
            } catch (IOException e) {
                // fall through to the JDK's view
            }
        }
        ProcessHandle.Info info = h.info();
        return info.arguments().map(Arrays::asList).orElse(List.of());
    }
}
