package dev.ares.kafkalocal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Applies the topics of {@code topics.yaml} to a Kafka cluster and reads them back
 * (architecture.md §3: the local broker, the tests and Strimzi are all made from that file).
 */
public final class TopicAdmin {

    private static final long TIMEOUT_S = 30;

    private TopicAdmin() {
    }

    /**
     * What {@link #apply(String, List)} did.
     *
     * @param created   topics that did not exist and were created
     * @param updated   topics whose configs or partition count were changed, with what changed
     * @param unchanged topics that already matched
     * @param notes     adjustments the cluster forced, e.g. replication capped to the broker count
     */
    public record ApplyResult(List<String> created, List<String> updated, List<String> unchanged, List<String> notes) {
    }

    /**
     * Creates missing topics and brings existing ones in line with their specs: sets every config of
     * {@link TopicSpec#configs()} that differs and raises the partition count when the spec asks for
     * more. Idempotent: a second call reports every topic unchanged. Replication is
     * {@code min(spec.replicationFactor, brokers)}; the capping is reported in
     * {@link ApplyResult#notes()}. Returns once every created topic is visible in metadata.
     *
     * @param bootstrap bootstrap servers, e.g. {@code 127.0.0.1:9092}
     * @param topics    the specs to apply
     * @throws TopicAdminException when the cluster is unreachable, a topic has more partitions than
     *                             its spec (Kafka cannot shrink), or an operation is rejected
     */
    public static ApplyResult apply(String bootstrap, List<TopicSpec> topics) {
        try (Admin admin = admin(bootstrap)) {
            int brokers = get(admin.describeCluster().nodes(), bootstrap, "describe the cluster").size();
            Set<String> existing = get(admin.listTopics().names(), bootstrap, "list topics");
            List<String> created = new ArrayList<>();
            List<String> updated = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> notes = new ArrayList<>();

            List<NewTopic> toCreate = new ArrayList<>();
            Map<Integer, List<String>> capped = new TreeMap<>();
            for (TopicSpec t : topics) {
                if (!existing.contains(t.name())) {
                    short rf = (short) Math.min(t.replicationFactor(), brokers);
                    if (rf < t.replicationFactor()) {
                        capped.computeIfAbsent(t.replicationFactor(), k -> new ArrayList<>()).add(t.name());
                    }
                    toCreate.add(new NewTopic(t.name(), t.partitions(), rf).configs(t.configs()));
                    created.add(t.name());
                }
            }
            if (!toCreate.isEmpty()) {
                get(admin.createTopics(toCreate).all(), bootstrap, "create topics " + created);
            }
            capped.forEach((rf, names) -> notes.add("replication " + Math.min(rf, brokers) + " instead of " + rf
                    + " (the cluster has " + brokers + " broker" + (brokers == 1 ? "" : "s") + ") for " + String.join(", ", names)));

            List<TopicSpec> present = topics.stream().filter(t -> existing.contains(t.name())).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> descs = get(admin.describeTopics(names(present)).allTopicNames(),
                        bootstrap, "describe topics");
                Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources(present)).all(),
                        bootstrap, "describe topic configs");
                Map<String, NewPartitions> grow = new HashMap<>();
                Map<ConfigResource, Collection<AlterConfigOp>> alter = new HashMap<>();
                for (TopicSpec t : present) {
                    List<String> changes = new ArrayList<>();
                    int have = descs.get(t.name()).partitions().size();
                    if (have > t.partitions()) {
                        throw new TopicAdminException("topic '" + t.name() + "' has " + have + " partitions but topics.yaml"
                                + " asks for " + t.partitions() + "; Kafka cannot reduce partitions (delete the topic"
                                + " and apply again, or raise partitions in topics.yaml)", null);
                    }
                    if (have < t.partitions()) {
                        grow.put(t.name(), NewPartitions.increaseTo(t.partitions()));
                        changes.add("partitions " + have + " -> " + t.partitions());
                    }
                    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
                    Config current = configs.get(res);
                    List<AlterConfigOp> ops = new ArrayList<>();
                    t.configs().forEach((k, v) -> {
                        ConfigEntry e = current.get(k);
                        String now = e == null ? null : e.value();
                        if (!v.equals(now)) {
                            ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET));
                            changes.add(k + " " + now + " -> " + v);
                        }
                    });
                    if (!ops.isEmpty()) {
                        alter.put(res, ops);
                    }
                    if (changes.isEmpty()) {
                        unchanged.add(t.name());
                    } else {
                        updated.add(t.name() + " (" + String.join(", ", changes) + ")");
                    }
                }
                if (!alter.isEmpty()) {
                    get(admin.incrementalAlterConfigs(alter).all(), bootstrap, "update topic configs");
                }
                if (!grow.isEmpty()) {
                    get(admin.createPartitions(grow).all(), bootstrap, "add partitions " + grow.keySet());
                }
            }
            awaitVisible(admin, bootstrap, created);
            return new ApplyResult(List.copyOf(created), List.copyOf(updated), List.copyOf(unchanged), List.copyOf(notes));
        }
    }

    /**
     * Lists the cluster's non-internal topics with partition count, replication and every config.
     *
     * @param bootstrap bootstrap servers
     * @return topics sorted by name
     * @throws TopicAdminException when the cluster is unreachable
     */
    public static List<TopicState> describe(String bootstrap) {
        try (Admin admin = admin(bootstrap)) {
            Set<String> names = get(admin.listTopics().names(), bootstrap, "list topics");
            if (names.isEmpty()) {
                return List.of();
            }
            Map<String, TopicDescription> descs = get(admin.describeTopics(names).allTopicNames(), bootstrap, "describe topics");
            List<ConfigResource> res = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = get(admin.describeConfigs(res).all(), bootstrap, "describe topic configs");
            List<TopicState> out = new ArrayList<>();
            for (String n : names.stream().sorted().toList()) {
                TopicDescription d = descs.get(n);
                Map<String, String> cfg = new HashMap<>();
                for (ConfigEntry e : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, n)).entries()) {
                    if (e.value() != null) {
                        cfg.put(e.name(), e.value());
                    }
                }
                int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
                out.add(new TopicState(n, d.partitions().size(), rf, cfg));
            }
            return out;
        }
    }

    private static void awaitVisible(Admin admin, String bootstrap, List<String> created) {
        if (created.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(created).allTopicNames().get(5, TimeUnit.SECONDS);
                if (d.values().stream().allMatch(td -> td.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicAdminException("interrupted while waiting for topics " + created, e);
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet
            }
            if (System.nanoTime() > deadline) {
                throw new TopicAdminException("topics " + created + " were created on " + bootstrap
                        + " but have no partition leaders after " + TIMEOUT_S + " s", null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicAdminException("interrupted while waiting for topics " + created, e);
            }
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TimeUnit.SECONDS.toMillis(TIMEOUT_S)));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    private static List<String> names(List<TopicSpec> topics) {
        return topics.stream().map(TopicSpec::name).collect(Collectors.toList());
    }

    private static List<ConfigResource> resources(List<TopicSpec> topics) {
        return topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
    }

    private static <T> T get(KafkaFuture<T> f, String bootstrap, String what) {
        try {
            return f.get(TIMEOUT_S + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicAdminException("interrupted: " + what + " on " + bootstrap, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new TopicAdminException("cannot " + what + " on " + bootstrap + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            throw new TopicAdminException("cannot " + what + " on " + bootstrap + ": no answer within "
                    + (TIMEOUT_S + 5) + " s (is the broker running?)", e);
        }
    }
}
