package dev.ares.core.protocol;

import dev.ares.core.protocol.wire.FinishReasonWire;
import dev.ares.core.protocol.wire.RolloutGroupWire;
import dev.ares.core.protocol.wire.SamplingParamsWire;
import dev.ares.core.protocol.wire.TrajectoryWire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Maps {@link RolloutGroup} to and from its protobuf form ({@code records.proto}). Wire-to-record failures are
 * {@link IllegalArgumentException}s naming the field; the codec reports them as
 * {@link RecordFormatException.Reason#INVALID_FIELD}.
 */
final class RolloutGroupWireMapper {
    private RolloutGroupWireMapper() {
    }

    static RolloutGroupWire toWire(RolloutGroup g) {
        RolloutGroupWire.Builder b = RolloutGroupWire.newBuilder()
                .setSchemaVersion(g.schemaVersion())
                .setRunId(g.runId())
                .setStep(g.step())
                .setGroupsInStep(g.groupsInStep())
                .setRequestedN(g.requestedN())
                .setGroupId(g.groupId())
                .setRequestId(g.requestId())
                .setReferenceAnswer(g.referenceAnswer())
                .setSource(g.source())
                .setSampling(toWire(g.sampling()));
        for (int id : g.promptTokenIds()) {
            b.addPromptTokenIds(id);
        }
        for (Trajectory t : g.trajectories()) {
            b.addTrajectories(toWire(t));
        }
        return b.build();
    }

    static SamplingParamsWire toWire(SamplingParams s) {
        return SamplingParamsWire.newBuilder()
                .setTemperature(s.temperature())
                .setTopP(s.topP())
                .setTopK(s.topK())
                .setMaxNewTokens(s.maxNewTokens())
                .setSeed(s.seed())
                .addAllStop(s.stop())
                .build();
    }

    static TrajectoryWire toWire(Trajectory t) {
        int n = t.length();
        float[] sampled = t.sampledLogprobs();
        float[] model = t.modelLogprobs();
        float[] entropies = t.entropies();
        boolean[] triggers = t.triggers();
        TrajectoryWire.Builder b = TrajectoryWire.newBuilder()
                .setTrajectoryId(t.trajectoryId())
                .setText(t.text());
        for (int i = 0; i < n; i++) {
            b.addTokenIds(t.tokenId(i));
        }
        for (float v : sampled) {
            b.addSampledLogprobs(v);
        }
        // Arrays.equals compares floatToIntBits, so -0.0 and 0.0 stay distinct: the shortcut is lossless.
        if (Arrays.equals(sampled, model)) {
            b.setModelLogprobsSameAsSampled(true);
        } else {
            for (float v : model) {
                b.addModelLogprobs(v);
            }
        }
        for (float v : entropies) {
            b.addEntropies(v);
        }
        BitSet bits = new BitSet(n);
        for (int i = 0; i < n; i++) {
            if (triggers[i]) {
                bits.set(i);
            }
        }
        b.setTriggers(com.google.protobuf.ByteString.copyFrom(bits.toByteArray()));
        if (t.branchParent() != null) {
            b.setBranchParent(t.branchParent());
        }
        return b.setBranchPosition(t.branchPosition())
                .setFinishReason(toWire(t.finishReason()))
                .setPolicyVersion(t.policyVersion())
                .setGenerationMillis(t.timings().generationMillis())
                .setPromptTokens(t.timings().promptTokens())
                .setGeneratedTokens(t.timings().generatedTokens())
                .build();
    }

    static RolloutGroup fromWire(RolloutGroupWire w, int envelopeVersion) {
        if (w.getSchemaVersion() != envelopeVersion) {
            throw new IllegalArgumentException("RolloutGroup.schemaVersion " + w.getSchemaVersion()
                    + " differs from the envelope's " + envelopeVersion);
        }
        if (!w.hasSampling()) {
            throw new IllegalArgumentException("RolloutGroup.sampling is missing");
        }
        int[] prompt = new int[w.getPromptTokenIdsCount()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = w.getPromptTokenIds(i);
        }
        List<Trajectory> trajectories = new ArrayList<>(w.getTrajectoriesCount());
        for (int i = 0; i < w.getTrajectoriesCount(); i++) {
            trajectories.add(fromWire(w.getTrajectories(i), i));
        }
        return new RolloutGroup(w.getSchemaVersion(), w.getRunId(), w.getStep(), w.getGroupsInStep(),
                w.getGroupId(), w.getRequestId(), w.getReferenceAnswer(), w.getSource(), fromWire(w.getSampling()), prompt,
                trajectories, w.getRequestedN() == 0 ? trajectories.size() : w.getRequestedN());
    }

    static SamplingParams fromWire(SamplingParamsWire s) {
        return new SamplingParams(s.getTemperature(), s.getTopP(), s.getTopK(), s.getMaxNewTokens(), s.getSeed(),
                List.copyOf(s.getStopList()));
    }

    static Trajectory fromWire(TrajectoryWire w, int index) {
        String where = "RolloutGroup.trajectories[" + index + "] (" + w.getTrajectoryId() + ").";
        int n = w.getTokenIdsCount();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = w.getTokenIds(i);
        }
        float[] sampled = new float[w.getSampledLogprobsCount()];
        for (int i = 0; i < sampled.length; i++) {
            sampled[i] = w.getSampledLogprobs(i);
        }
        float[] model;
        if (w.getModelLogprobsSameAsSampled()) {
            if (w.getModelLogprobsCount() != 0) {
                throw new IllegalArgumentException(where + "modelLogprobs is marked same-as-sampled but has "
                        + w.getModelLogprobsCount() + " values");
            }
            model = sampled.clone();
        } else {
            model = new float[w.getModelLogprobsCount()];
            for (int i = 0; i < model.length; i++) {
                model[i] = w.getModelLogprobs(i);
            }
        }
        float[] entropies = new float[w.getEntropiesCount()];
        for (int i = 0; i < entropies.length; i++) {
            entropies[i] = w.getEntropies(i);
        }
        BitSet bits = BitSet.valueOf(w.getTriggers().asReadOnlyByteBuffer());
        if (bits.length() > n) {
            throw new IllegalArgumentException(where + "triggers flags token " + (bits.length() - 1)
                    + " but tokenIds has length " + n);
        }
        boolean[] triggers = new boolean[n];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            triggers[i] = true;
        }
        FinishReason finish = switch (w.getFinishReason()) {
            case FINISH_REASON_EOS -> FinishReason.EOS;
            case FINISH_REASON_STOP_SEQUENCE -> FinishReason.STOP_SEQUENCE;
            case FINISH_REASON_LENGTH -> FinishReason.LENGTH;
            case FINISH_REASON_ABORTED -> FinishReason.ABORTED;
            default -> throw new IllegalArgumentException(where + "finishReason has unknown value "
                    + w.getFinishReasonValue());
        };
        String parent = w.hasBranchParent() ? w.getBranchParent() : null;
        return new Trajectory(w.getTrajectoryId(), ids, w.getText(), sampled, model, entropies, triggers, parent,
                w.getBranchPosition(), finish, w.getPolicyVersion(),
                new Timings(w.getGenerationMillis(), w.getPromptTokens(), w.getGeneratedTokens()));
    }

    static FinishReasonWire toWire(FinishReason r) {
        return switch (r) {
            case EOS -> FinishReasonWire.FINISH_REASON_EOS;
            case STOP_SEQUENCE -> FinishReasonWire.FINISH_REASON_STOP_SEQUENCE;
            case LENGTH -> FinishReasonWire.FINISH_REASON_LENGTH;
            case ABORTED -> FinishReasonWire.FINISH_REASON_ABORTED;
        };
    }
}
