package dev.ares.cli.stack;

import dev.ares.kafkalocal.LocalKafka;
import dev.ares.kafkalocal.TopicAdmin;
import dev.ares.kafkalocal.TopicsFile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local deployment that {@code ./ares up} and {@code ./ares demo} start: the broker (reused when one of
 * ours already runs on the run directory's data), the topics of {@code kafka-topics/topics.yaml}, and the four
 * services as child JVMs on 127.0.0.1, started in parallel. In: ports, per-service system properties. Out: the base URLs; on a
 * failure everything started so far is stopped again before the exception propagates.
 */
public final class LocalStack {

    /** Where the started stack answers. */
    public record Urls(String bootstrap, Map<String, String> services) {
        /** The base URL of one service, e.g. {@code inference-service}. */
        public String of(String service) {
            String u = services.get(service);
            if (u == null) {
                throw new IllegalArgumentException("no service named " + service + " in this stack");
            }
            return u;
        }
    }

    private LocalStack() {
    }

    /**
     * Starts the stack.
     *
     * @param run        run directory (logs, pids, broker data)
     * @param basePort   inference-service's port; the others follow ({@link ServiceSpec#port})
     * @param kafkaPort  the broker's port when a new broker is started
     * @param common     system properties given to every service (the bootstrap address is added)
     * @param perService extra system properties by service name (override {@code common})
     * @param timeout    how long each service may take to become live
     */
    public static Urls start(RunDir run, int basePort, int kafkaPort, Map<String, String> common,
                             Map<String, Map<String, String>> perService, Duration timeout) throws IOException {
        List<Runnable> undo = new ArrayList<>();
        try {
            String bootstrap = startBroker(run, kafkaPort, undo);
            TopicAdmin.apply(bootstrap, TopicsFile.loadDefault().topics());
            ServiceLauncher launcher = new ServiceLauncher(run);
            List<ServiceLauncher.Started> started = new ArrayList<>();
            for (ServiceSpec spec : ServiceSpec.ALL) {
                Map<String, String> props = new LinkedHashMap<>(common);
                props.put("kafka.bootstrap.servers", bootstrap);
                props.putAll(perService.getOrDefault(spec.name(), Map.of()));
                started.add(launcher.spawn(spec, spec.port(basePort), props));
                undo.add(() -> launcher.pidFile(spec).stop(Duration.ofSeconds(15)));
            }
            Map<String, String> urls = new LinkedHashMap<>();
            for (ServiceLauncher.Started s : started) {
                urls.put(s.spec().name(), launcher.awaitLive(s, timeout));
            }
            return new Urls(bootstrap, urls);
        } catch (RuntimeException | IOException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
    }

    private static String startBroker(RunDir run, int kafkaPort, List<Runnable> undo) {
        var existing = LocalKafka.find(run.kafkaData());
        if (existing.isPresent()) {
            return existing.get().bootstrapServers();
        }
        LocalKafka kafka = LocalKafka.start(new LocalKafka.Options(run.kafkaData(), kafkaPort,
                run.logs().resolve("kafka.log"), Duration.ofSeconds(90)));
        undo.add(kafka::stop);
        return kafka.bootstrapServers();
    }
}
