package dev.ares.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.AepoScorer;
import dev.ares.core.aepo.BatchResult;
import dev.ares.core.aepo.ControllerState;
import dev.ares.core.aepo.GroupResult;
import dev.ares.core.aepo.Reading;
import dev.ares.core.aepo.TrajectoryResult;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ares score}: offline AEPO scoring of one batch (issue 4 item 6). Reads one group per JSONL line, runs
 * {@link AepoScorer#scoreBatch} (aepo-spec §14 order) and writes one line per group,
 * {@code {"groupId", "passRate", "bucket", "keep", "trajectories": [{"bucket", "hweCount", "entropyReward",
 * "overall", "advantage"}]}}, then one line {@code {"batch": {...}}} with the threshold, bucket targets and the
 * controller state. Every bad input line is reported as {@code FILE:LINE: problem} and the command exits 1
 * without output (the batch statistics depend on every group) unless {@code --skip-bad} is given.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a batch of rollout groups offline (windows, HWE events, buckets, rewards, advantages).")
public final class ScoreCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "input JSONL, one group per line")
    Path in;

    @Option(names = "--out", required = true, description = "output JSONL")
    Path out;

    @Option(names = "--mode", defaultValue = "code", description = "reading: code (default) or paper")
    String mode;

    @Option(names = "--tau", description = "fixed HWE threshold in nats (default: the reading's batch rule)")
    Double tau;

    @Option(names = "--window", description = "window width in tokens (default 4)")
    Integer window;

    @Option(names = "--group-size", description = "require exactly G trajectories per group")
    Integer groupSize;

    @Option(names = "--state", description = "controller state JSON from an earlier batch (default: initial state)")
    Path stateIn;

    @Option(names = "--official-b1", description = "reproduce the official bug B1 (everything scored as easy)")
    boolean officialB1;

    @Option(names = "--skip-bad", description = "score the good lines when some lines are bad")
    boolean skipBad;

    @Override
    public Integer call() throws Exception {
        Reading reading = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "code" -> Reading.CODE;
            case "paper" -> Reading.PAPER;
            default -> throw new IllegalArgumentException("--mode must be code or paper, got '" + mode + "'");
        };
        if (window != null && window <= 0) {
            throw new IllegalArgumentException("--window must be > 0, got " + window);
        }
        if (groupSize != null && groupSize <= 0) {
            throw new IllegalArgumentException("--group-size must be > 0, got " + groupSize);
        }
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("--in " + in + ": no such file");
        }
        AepoConfig cfg = AepoConfig.of(reading);
        if (window != null) {
            cfg = cfg.withWindow(window);
        }
        if (tau != null) {
            if (!Double.isFinite(tau)) {
                throw new IllegalArgumentException("--tau must be a finite number, got " + tau);
            }
            cfg = cfg.withFixedTau(tau);
        }
        if (officialB1) {
            cfg = cfg.withReward(cfg.reward().withOfficialB1AllEasy(true));
        }
        ObjectMapper om = new ObjectMapper();
        ControllerState state = stateIn == null ? ControllerState.initial(cfg)
                : om.readValue(stateIn.toFile(), ControllerState.class);

        ScoreInputReader.Result input = new ScoreInputReader().read(in, groupSize);
        for (String p : input.problems()) {
            System.err.println(p);
        }
        if (!input.problems().isEmpty() && !skipBad) {
            System.err.println("ares score: " + input.problems().size() + " bad line(s); nothing written"
                    + " (use --skip-bad to score the rest)");
            return 1;
        }
        if (input.groups().isEmpty()) {
            System.err.println("ares score: " + in + " has no valid group");
            return 1;
        }
        BatchResult r = AepoScorer.scoreBatch(input.groups(), state, cfg);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (GroupResult g : r.groups()) {
                ObjectNode o = om.createObjectNode();
                o.put("groupId", g.groupId());
                o.put("passRate", g.passRate());
                o.put("bucket", g.bucket().label());
                o.put("keep", g.keep());
                ArrayNode ts = o.putArray("trajectories");
                for (TrajectoryResult t : g.trajectories()) {
                    ObjectNode x = ts.addObject();
                    x.put("bucket", g.bucket().label());
                    x.put("hweCount", t.hweCount());
                    x.put("entropyReward", t.entropyReward());
                    x.put("overall", t.overall());
                    x.put("advantage", t.advantage());
                    x.put("softCost", t.softCost());
                }
                w.write(om.writeValueAsString(o));
                w.newLine();
            }
            ObjectNode batch = om.createObjectNode();
            ObjectNode b = batch.putObject("batch");
            b.put("mode", reading.name().toLowerCase(java.util.Locale.ROOT));
            b.put("threshold", r.stats().tauUsed());
            b.put("thresholdOrigin", r.stats().tauOrigin());
            b.set("bucketTargets", om.valueToTree(r.stats().targets()));
            b.set("stats", om.valueToTree(r.stats()));
            b.set("controllerState", om.valueToTree(r.state()));
            w.write(om.writeValueAsString(batch));
            w.newLine();
        }
        System.out.printf(java.util.Locale.ROOT, "scored %d groups (%d kept), threshold %.6f (%s) -> %s%n",
                r.stats().groups(), r.stats().keptGroups(), r.stats().tauUsed(), r.stats().tauOrigin(), out);
        return 0;
    }
}
