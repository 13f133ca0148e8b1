package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.kafkalocal.BrokerFiles;
import dev.ares.kafkalocal.StrimziTopicsGenerator;
import dev.ares.kafkalocal.TopicSpec;
import dev.ares.kafkalocal.TopicsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ./ares kafka and ./ares topics through picocli, against a real broker. */
class KafkaCommandTest {

    /** Exit code, stdout and stderr of one command. */
    record Run(int code, String out, String err) {
    }

    static Run ares(String... args) {
        CommandLine cl = AresCli.commandLine();
        if (!cl.getSubcommands().containsKey("kafka")) {
            cl.addSubcommand(new KafkaCommand());
        }
        if (!cl.getSubcommands().containsKey("topics")) {
            cl.addSubcommand(new TopicsCommand());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void startApplyStatusStop(@TempDir Path tmp) throws Exception {
        String dir = tmp.resolve("kafka").toString();
        Run before = ares("kafka", "status", "--data-dir", dir);
        assertEquals(3, before.code(), before.toString());
        assertTrue(before.out().contains("not running"), before.out());

        Run start = ares("kafka", "start", "--port", "0", "--data-dir", dir);
        assertEquals(0, start.code(), start.toString());
        Matcher m = Pattern.compile("pid (\\d+), bootstrap 127\\.0\\.0\\.1:(\\d+)").matcher(start.out());
        assertTrue(m.find(), start.out());
        long pid = Long.parseLong(m.group(1));
        int port = Integer.parseInt(m.group(2));
        String bootstrap = "127.0.0.1:" + port;
        try {
            assertTrue(ares("kafka", "start", "--port", "0", "--data-dir", dir).out().contains("already running: pid " + pid));

            Run empty = ares("kafka", "status", "--data-dir", dir);
            assertEquals(0, empty.code(), empty.toString());
            assertTrue(empty.out().contains("topics: none"), empty.out());

            Run apply = ares("topics", "apply", "--bootstrap", bootstrap);
            assertEquals(0, apply.code(), apply.toString());
            TopicsFile topics = TopicsFile.loadDefault();
            assertTrue(apply.out().contains(topics.topics().size() + " created"), apply.out());

            Run status = ares("kafka", "status", "--data-dir", dir);
            assertEquals(0, status.code(), status.toString());
            assertTrue(status.out().contains("pid " + pid) && status.out().contains("bootstrap " + bootstrap), status.out());
            for (TopicSpec t : topics.topics()) {
                String line = status.out().lines().filter(l -> l.startsWith(t.name() + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError(t.name() + " not listed:\n" + status.out()));
                assertEquals(String.join(" ", t.name(), Integer.toString(t.partitions()), "1",
                        Long.toString(t.retentionMs()), t.cleanupPolicy(), Integer.toString(t.maxMessageBytes()),
                        t.compressionType()), line.trim().replaceAll("\\s+", " "));
            }

            assertTrue(status.out().contains("topics.yaml: all " + topics.topics().size() + " topics present and matching"),
                    status.out());

            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", bootstrap))) {
                admin.deleteTopics(java.util.List.of("ares.train.events")).all().get(30, TimeUnit.SECONDS);
            }
            // topic deletion completes on the controller before every broker's metadata drops the topic: poll the
            // status until it reports the drift (at most 20 s), rather than reading it once
            String missing = "topics.yaml: missing ares.train.events (run ./ares topics apply)";
            Run drift = ares("kafka", "status", "--data-dir", dir);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!drift.out().contains(missing) && System.nanoTime() < until) {
                Thread.sleep(500);
                drift = ares("kafka", "status", "--data-dir", dir);
            }
            assertTrue(drift.out().contains(missing), drift.out());

            Run clash = ares("kafka", "start", "--port", Integer.toString(port), "--data-dir", tmp.resolve("other").toString());
            assertEquals(1, clash.code(), clash.toString());
            assertTrue(clash.err().contains("port " + port), clash.err());
        } finally {
            Run stop = ares("kafka", "stop", "--data-dir", dir);
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(stop.out().contains("kafka stopped (pid " + pid + ")"), stop.out());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
        assertTrue(ares("kafka", "stop", "--data-dir", dir).out().contains("not running"));
    }

    @Test
    void stopLeavesAForeignProcessOfAStalePidFileAlone(@TempDir Path dir) throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(dir.resolve(BrokerFiles.PID_FILE), Long.toString(sleeper.pid()));
            Files.writeString(dir.resolve(BrokerFiles.PORT_FILE), "9092");
            Run stop = ares("kafka", "stop", "--data-dir", dir.toString());
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(stop.out().contains("stale pid file (pid " + sleeper.pid()), stop.out());
            Thread.sleep(200);
            assertTrue(sleeper.isAlive());
            assertFalse(Files.exists(dir.resolve(BrokerFiles.PID_FILE)));
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void strimziWritesTheGeneratedResourcesAndCheckReportsDrift(@TempDir Path out) throws Exception {
        Run check = ares("topics", "strimzi", "--check", "--out", out.toString());
        assertEquals(1, check.code(), check.toString());
        assertTrue(check.err().contains("missing " + out.resolve("ares.rollouts.yaml")), check.err());

        Run gen = ares("topics", "strimzi", "--out", out.toString());
        assertEquals(0, gen.code(), gen.toString());
        Map<String, String> expected = StrimziTopicsGenerator.render(TopicsFile.loadDefault());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), Files.readString(out.resolve(e.getKey())), e.getKey());
        }
        assertEquals(0, ares("topics", "strimzi", "--check", "--out", out.toString()).code());
    }

    @Test
    void unknownSubcommandIsAUsageErrorAndApplyWithoutBrokerSaysWhatToDo(@TempDir Path emptyRepo) {
        Run bad = ares("kafka", "frobnicate");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("Unmatched argument") && bad.err().contains("'frobnicate'"), bad.err());

        String old = System.getProperty("ares.repo.root");
        try {
            System.setProperty("ares.repo.root", emptyRepo.toString());
            Run apply = ares("topics", "apply");
            assertEquals(1, apply.code(), apply.toString());
            assertTrue(apply.err().contains("./ares kafka start") && apply.err().contains("--bootstrap"), apply.err());
        } finally {
            if (old == null) {
                System.clearProperty("ares.repo.root");
            } else {
                System.setProperty("ares.repo.root", old);
            }
        }
    }
}
