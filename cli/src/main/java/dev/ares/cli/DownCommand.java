package dev.ares.cli;

import dev.ares.cli.stack.RunDir;
import dev.ares.cli.stack.ServiceLauncher;
import dev.ares.cli.stack.ServiceSpec;
import dev.ares.kafkalocal.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code ./ares down}: stops, in reverse start order, the services and the broker that {@code ./ares up}
 * started in this repository's run directory, and nothing else (pid files are checked against the
 * process's command line).
 */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the services and the broker started by ./ares up.")
public final class DownCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        RunDir run = RunDir.current();
        ServiceLauncher launcher = new ServiceLauncher(run);
        List<ServiceSpec> reversed = new java.util.ArrayList<>(ServiceSpec.ALL);
        java.util.Collections.reverse(reversed);
        for (ServiceSpec spec : reversed) {
            boolean stopped = launcher.pidFile(spec).stop(Duration.ofSeconds(20));
            System.out.println(String.format("%-18s %s", spec.name(), stopped ? "stopped" : "not running"));
        }
        var broker = LocalKafka.find(run.kafkaData());
        if (broker.isPresent()) {
            broker.get().stop(Duration.ofSeconds(20));
            System.out.println("kafka              stopped");
        } else {
            System.out.println("kafka              not running");
        }
        return 0;
    }
}
