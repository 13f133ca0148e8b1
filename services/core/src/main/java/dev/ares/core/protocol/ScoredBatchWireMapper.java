package dev.ares.core.protocol;

import dev.ares.core.protocol.wire.BatchStatsWire;
import dev.ares.core.protocol.wire.BucketTargetWire;
import dev.ares.core.protocol.wire.BucketWire;
import dev.ares.core.protocol.wire.NamedValueWire;
import dev.ares.core.protocol.wire.ScoredBatchWire;
import dev.ares.core.protocol.wire.ScoredGroupWire;
import dev.ares.core.protocol.wire.TrajectoryScoreWire;
import dev.ares.core.protocol.wire.WindowSpanWire;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps {@link ScoredBatch} to and from its protobuf form ({@code records.proto}); embedded rollout groups go through
 * {@link RolloutGroupWireMapper}. Wire-to-record failures are {@link IllegalArgumentException}s naming the field.
 */
final class ScoredBatchWireMapper {
    private ScoredBatchWireMapper() {
    }

    static ScoredBatchWire toWire(ScoredBatch batch) {
        ScoredBatchWire.Builder b = ScoredBatchWire.newBuilder()
                .setSchemaVersion(batch.schemaVersion())
                .setRunId(batch.runId())
                .setStep(batch.step())
                .setPartial(batch.partial())
                .setStats(toWire(batch.stats()));
        for (ScoredGroup g : batch.groups()) {
            b.addGroups(toWire(g));
        }
        return b.build();
    }

    private static ScoredGroupWire toWire(ScoredGroup g) {
        ScoredGroupWire.Builder b = ScoredGroupWire.newBuilder()
                .setGroupId(g.groupId())
                .setPassRate(g.passRate())
                .setBucket(toWire(g.bucket()))
                .setKeep(g.keep())
                .setRollout(RolloutGroupWireMapper.toWire(g.rollout()));
        for (TrajectoryScore s : g.trajectories()) {
            TrajectoryScoreWire.Builder sb = TrajectoryScoreWire.newBuilder()
                    .setTrajectoryId(s.trajectoryId())
                    .setAccuracy(s.accuracy())
                    .setFormat(s.format())
                    .setHweCount(s.hweCount())
                    .setEntropyReward(s.entropyReward())
                    .setReward(s.reward())
                    .setAdvantage(s.advantage());
            for (WindowSpan w : s.hweWindows()) {
                sb.addHweWindows(WindowSpanWire.newBuilder().setStart(w.start()).setEnd(w.end()));
            }
            b.addTrajectories(sb);
        }
        return b.build();
    }

    private static BatchStatsWire toWire(BatchStats stats) {
        BatchStatsWire.Builder b = BatchStatsWire.newBuilder().setHweThreshold(stats.hweThreshold());
        for (Map.Entry<Bucket, Double> e : stats.bucketTargets().entrySet()) {
            b.addBucketTargets(BucketTargetWire.newBuilder().setBucket(toWire(e.getKey())).setValue(e.getValue()));
        }
        for (Map.Entry<String, Double> e : stats.controllerState().entrySet()) {
            b.addControllerState(NamedValueWire.newBuilder().setName(e.getKey()).setValue(e.getValue()));
        }
        return b.build();
    }

    static ScoredBatch fromWire(ScoredBatchWire w, int envelopeVersion) {
        if (w.getSchemaVersion() != envelopeVersion) {
            throw new IllegalArgumentException("ScoredBatch.schemaVersion " + w.getSchemaVersion()
                    + " differs from the envelope's " + envelopeVersion);
        }
        if (!w.hasStats()) {
            throw new IllegalArgumentException("ScoredBatch.stats is missing");
        }
        List<ScoredGroup> groups = new ArrayList<>(w.getGroupsCount());
        for (int i = 0; i < w.getGroupsCount(); i++) {
            groups.add(fromWire(w.getGroups(i), i));
        }
        return new ScoredBatch(w.getSchemaVersion(), w.getRunId(), w.getStep(), groups, fromWire(w.getStats()),
                w.getPartial());
    }

    private static ScoredGroup fromWire(ScoredGroupWire w, int index) {
        String where = "ScoredBatch.groups[" + index + "]";
        if (!w.hasRollout()) {
            throw new IllegalArgumentException(where + ".rollout is missing");
        }
        RolloutGroup rollout = RolloutGroupWireMapper.fromWire(w.getRollout(), w.getRollout().getSchemaVersion());
        if (rollout.schemaVersion() > RolloutGroup.SCHEMA_VERSION) {
            throw new IllegalArgumentException(where + ".rollout has unknown schema version "
                    + rollout.schemaVersion());
        }
        List<TrajectoryScore> scores = new ArrayList<>(w.getTrajectoriesCount());
        for (TrajectoryScoreWire s : w.getTrajectoriesList()) {
            List<WindowSpan> windows = new ArrayList<>(s.getHweWindowsCount());
            for (WindowSpanWire span : s.getHweWindowsList()) {
                windows.add(new WindowSpan(span.getStart(), span.getEnd()));
            }
            scores.add(new TrajectoryScore(s.getTrajectoryId(), s.getAccuracy(), s.getFormat(), s.getHweCount(),
                    windows, s.getEntropyReward(), s.getReward(), s.getAdvantage()));
        }
        return new ScoredGroup(w.getGroupId(), w.getPassRate(), fromWire(w.getBucket(), where + ".bucket"),
                w.getKeep(), scores, rollout);
    }

    private static BatchStats fromWire(BatchStatsWire w) {
        Map<Bucket, Double> targets = new EnumMap<>(Bucket.class);
        for (BucketTargetWire t : w.getBucketTargetsList()) {
            Bucket bucket = fromWire(t.getBucket(), "ScoredBatch.stats.bucketTargets");
            if (targets.put(bucket, t.getValue()) != null) {
                throw new IllegalArgumentException("ScoredBatch.stats.bucketTargets has bucket " + bucket + " twice");
            }
        }
        Map<String, Double> state = new LinkedHashMap<>();
        for (NamedValueWire v : w.getControllerStateList()) {
            if (state.put(v.getName(), v.getValue()) != null) {
                throw new IllegalArgumentException("ScoredBatch.stats.controllerState has key '" + v.getName()
                        + "' twice");
            }
        }
        return new BatchStats(w.getHweThreshold(), targets, state);
    }

    private static BucketWire toWire(Bucket b) {
        return switch (b) {
            case EASY -> BucketWire.BUCKET_EASY;
            case MEDIUM -> BucketWire.BUCKET_MEDIUM;
            case HARD -> BucketWire.BUCKET_HARD;
        };
    }

    private static Bucket fromWire(BucketWire b, String field) {
        return switch (b) {
            case BUCKET_EASY -> Bucket.EASY;
            case BUCKET_MEDIUM -> Bucket.MEDIUM;
            case BUCKET_HARD -> Bucket.HARD;
            default -> throw new IllegalArgumentException(field + " has unknown bucket value " + b);
        };
    }
}
