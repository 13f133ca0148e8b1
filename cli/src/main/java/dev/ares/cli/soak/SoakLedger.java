package dev.ares.cli.soak;

import dev.ares.core.learner.LearnerState;
import dev.ares.core.protocol.RolloutGroup;
import dev.ares.core.protocol.RolloutRequest;
import dev.ares.core.protocol.ScoredBatch;
import dev.ares.core.protocol.ScoredGroup;
import dev.ares.core.protocol.Trajectory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The outcome of every group and trajectory of a finished run, decided from the outside (the topics, {@link RunTopics})
 * and checked against the learner's own bookkeeping (its checkpointed {@link LearnerState}: ledger of decided groups,
 * trained trajectory ids and outcome totals). reliability.md §2 promise 1: every requested group ends exactly once
 * as trained, filtered, dropped as stale, timed out with its incomplete step, or dead-lettered.
 *
 * <p>Per requested group of a step below {@code maxSteps}, first match wins: in the learner's ledger with a trained
 * trajectory → trained; in the ledger, scored with {@code keep == false} → filtered; in the ledger otherwise →
 * stale (the learner decides a group and trains none of it only for staleness); dead-lettered (its request or its
 * rollout group on a {@code .dlq} topic) → dead-lettered with the header's reason; missing from a partial scored
 * batch of its step → timed out; anything else is <em>unaccounted</em> (a broken promise). A produced trajectory is
 * trained when its id is in the learner's trained ledger, otherwise it takes its group's outcome. The learner checks
 * staleness before the filter flag and the policy version it compared with is on no topic, so a group that was both
 * stale and filtered counts as filtered here and as stale in the learner: {@link #violations()} compares filtered +
 * stale as one number.
 */
public final class SoakLedger {

    /** Where a requested group ended. */
    public enum Fate {
        TRAINED, FILTERED, STALE, TIMED_OUT, DEAD_LETTERED, UNACCOUNTED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    final long maxSteps;
    final int requestedGroups;
    final int requestRecords;
    final EnumMap<Fate, Integer> groupFates = new EnumMap<>(Fate.class);
    final EnumMap<Fate, Integer> trajectoryFates = new EnumMap<>(Fate.class);
    final Map<String, Integer> deadLetterReasons = new TreeMap<>();
    final List<String> unaccounted = new ArrayList<>();
    final int producedGroups;
    final int groupRecords;
    final int producedTrajectories;
    final int trajectoryDeliveries;
    final int duplicateCopies;
    final int trainedIds;
    final int trainedIdsDistinct;
    final int trainedNotProduced;
    final Map<String, Long> learnerAccounting;
    final long stepsFinished;
    final int checkpointsAnnounced;
    final int scoredBatches;
    final int partialBatches;
    final int unattributedDeadLetters;

    /**
     * @param topics   what the topics hold about the run (read after the run finished)
     * @param state    the learner state of the run's final checkpoint
     * @param maxSteps the run's step count: groups of later steps (none are requested) are ignored
     */
    public SoakLedger(RunTopics topics, LearnerState state, long maxSteps) {
        this.maxSteps = maxSteps;
        for (Fate f : Fate.values()) {
            groupFates.put(f, 0);
            trajectoryFates.put(f, 0);
        }
        Set<String> ledgerGroups = new HashSet<>(state.groupIds());
        Set<String> trained = new HashSet<>(state.trajectoryIds());
        Map<String, RunTopics.DeadLetter> deadByGroup = new HashMap<>();
        for (RunTopics.DeadLetter d : topics.deadLetters) {
            if (d.groupId() != null) {
                deadByGroup.putIfAbsent(d.groupId(), d);
            }
        }
        Map<String, Fate> fateOf = new HashMap<>();
        int requested = 0;
        for (RolloutRequest r : topics.requests.values()) {
            if (r.step() >= maxSteps) {
                continue;
            }
            requested++;
            Fate f = fate(r, topics, ledgerGroups, trained, deadByGroup);
            fateOf.put(r.groupId(), f);
            groupFates.merge(f, 1, Integer::sum);
            if (f == Fate.DEAD_LETTERED) {
                RunTopics.DeadLetter d = deadByGroup.get(r.groupId());
                deadLetterReasons.merge(d.topic() + ": " + shorten(d.reason()), 1, Integer::sum);
            } else if (f == Fate.UNACCOUNTED && unaccounted.size() < 20) {
                unaccounted.add(r.groupId() + " (step " + r.step() + ", produced " + topics.groups.containsKey(r.groupId())
                        + ", scored batches of the step " + topics.scored.getOrDefault(r.step(), List.of()).size() + ")");
            }
        }
        this.requestedGroups = requested;
        this.requestRecords = topics.requestRecords;
        this.producedGroups = (int) topics.groups.values().stream().filter(g -> g.step() < maxSteps).count();
        this.groupRecords = topics.groupRecords;

        Map<String, String> groupOfTrajectory = new HashMap<>();
        for (RolloutGroup g : topics.groups.values()) {
            for (Trajectory t : g.trajectories()) {
                groupOfTrajectory.put(t.trajectoryId(), g.groupId());
            }
        }
        int produced = 0;
        int deliveries = 0;
        int copies = 0;
        for (Map.Entry<String, Integer> e : topics.trajectoryDeliveries.entrySet()) {
            String group = groupOfTrajectory.get(e.getKey());
            RolloutGroup g = group == null ? null : topics.groups.get(group);
            if (g == null || g.step() >= maxSteps) {
                continue;
            }
            produced++;
            deliveries += e.getValue();
            copies += e.getValue() - 1;
            Fate f = trained.contains(e.getKey()) ? Fate.TRAINED : fateOf.getOrDefault(group, Fate.UNACCOUNTED);
            trajectoryFates.merge(f, 1, Integer::sum);
        }
        this.producedTrajectories = produced;
        this.trajectoryDeliveries = deliveries;
        this.duplicateCopies = copies;
        this.trainedIds = state.trajectoryIds().size();
        this.trainedIdsDistinct = trained.size();
        int notProduced = 0;
        for (String id : trained) {
            notProduced += topics.trajectoryDeliveries.containsKey(id) ? 0 : 1;
        }
        this.trainedNotProduced = notProduced;
        this.learnerAccounting = state.accounting();
        this.stepsFinished = state.stepsFinished();
        this.checkpointsAnnounced = topics.checkpoints.size();
        this.scoredBatches = topics.scored.values().stream().mapToInt(List::size).sum();
        this.partialBatches = (int) topics.scored.values().stream().flatMap(List::stream).filter(ScoredBatch::partial).count();
        this.unattributedDeadLetters = topics.unattributedDeadLetters();
    }

    private static Fate fate(RolloutRequest r, RunTopics topics, Set<String> ledgerGroups, Set<String> trained,
                             Map<String, RunTopics.DeadLetter> deadByGroup) {
        List<ScoredBatch> batches = topics.scored.getOrDefault(r.step(), List.of());
        ScoredGroup scored = null;
        for (ScoredBatch b : batches) {
            for (ScoredGroup sg : b.groups()) {
                if (sg.groupId().equals(r.groupId()) && scored == null) {
                    scored = sg;
                }
            }
        }
        if (ledgerGroups.contains(r.groupId())) {
            if (scored != null && scored.rollout().trajectories().stream().anyMatch(t -> trained.contains(t.trajectoryId()))) {
                return Fate.TRAINED;
            }
            if (scored != null && !scored.keep()) {
                return Fate.FILTERED;
            }
            return Fate.STALE;
        }
        if (deadByGroup.containsKey(r.groupId())) {
            return Fate.DEAD_LETTERED;
        }
        if (scored == null && batches.stream().anyMatch(ScoredBatch::partial)) {
            return Fate.TIMED_OUT;
        }
        return Fate.UNACCOUNTED;
    }

    /** Groups with fate {@code f}. */
    public int groups(Fate f) {
        return groupFates.get(f);
    }

    /** The learner's own total for {@code key}, e.g. {@code groups/trained}; 0 when absent. */
    public long learner(String key) {
        return learnerAccounting.getOrDefault(key, 0L);
    }

    /**
     * The promises that failed, one line each; empty when every requested group has exactly one outcome, the
     * learner's totals agree with the outside view, and no trajectory was trained twice.
     */
    public List<String> violations() {
        List<String> v = new ArrayList<>();
        if (groups(Fate.UNACCOUNTED) > 0) {
            v.add(groups(Fate.UNACCOUNTED) + " requested groups have no outcome: " + unaccounted);
        }
        if (trainedIds != trainedIdsDistinct) {
            v.add((trainedIds - trainedIdsDistinct) + " trajectory ids appear twice in the learner's trained ledger");
        }
        if (trainedNotProduced > 0) {
            v.add(trainedNotProduced + " trained trajectory ids were never produced on ares.rollouts");
        }
        if (learner("trajectories/trained") != trainedIdsDistinct) {
            v.add("learner accounting trajectories/trained=" + learner("trajectories/trained") + " but its ledger holds "
                    + trainedIdsDistinct + " trained ids");
        }
        for (Fate f : List.of(Fate.TRAINED, Fate.TIMED_OUT)) {
            long mine = groups(f);
            long theirs = learner("groups/" + f.label());
            if (mine != theirs) {
                v.add("groups " + f.label() + ": " + mine + " from the topics, " + theirs + " in the learner's accounting");
            }
        }
        // the learner checks staleness before the filter flag, and the policy version it compared with is not on any
        // topic: from the outside a decided, untrained group is "filtered or stale", so only the sum is compared
        long mine = groups(Fate.FILTERED) + groups(Fate.STALE);
        long theirs = learner("groups/filtered") + learner("groups/stale");
        if (mine != theirs) {
            v.add("groups filtered or stale: " + mine + " from the topics, " + theirs + " in the learner's accounting");
        }
        if (stepsFinished != maxSteps) {
            v.add("the learner finished " + stepsFinished + " steps, expected " + maxSteps);
        }
        return v;
    }

    /** The report lines (plain text, also valid Markdown). */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("steps finished: " + stepsFinished + " of " + maxSteps + "; scored batches " + scoredBatches + " ("
                + partialBatches + " partial); checkpoints announced " + checkpointsAnnounced);
        out.add("");
        out.add("| groups (steps 0.." + (maxSteps - 1) + ") | from the topics | learner accounting |");
        out.add("|---|---:|---:|");
        out.add("| requested (distinct group ids; " + requestRecords + " request records incl. re-issued) | "
                + requestedGroups + " | |");
        for (Fate f : Fate.values()) {
            String theirs = switch (f) {
                case TRAINED, FILTERED, STALE, TIMED_OUT -> Long.toString(learner("groups/" + f.label()));
                default -> "";
            };
            out.add("| " + f.label() + " | " + groups(f) + " | " + theirs + " |");
        }
        out.add("| duplicate deliveries removed by the learner | | " + learner("groups/duplicate") + " |");
        int sum = 0;
        for (Fate f : Fate.values()) {
            sum += f == Fate.UNACCOUNTED ? 0 : groups(f);
        }
        out.add("");
        out.add("requested " + requestedGroups + " = trained " + groups(Fate.TRAINED) + " + filtered "
                + groups(Fate.FILTERED) + " + stale " + groups(Fate.STALE) + " + timed out " + groups(Fate.TIMED_OUT)
                + " + dead-lettered " + groups(Fate.DEAD_LETTERED) + " = " + sum
                + (sum == requestedGroups ? "  (balanced)" : "  (NOT balanced)"));
        out.add("");
        out.add("| trajectories | from the topics | learner accounting |");
        out.add("|---|---:|---:|");
        out.add("| produced (distinct ids on ares.rollouts; " + trajectoryDeliveries + " deliveries, " + duplicateCopies
                + " duplicate copies) | " + producedTrajectories + " | |");
        for (Fate f : Fate.values()) {
            String theirs = switch (f) {
                case TRAINED, FILTERED, STALE, TIMED_OUT -> Long.toString(learner("trajectories/" + f.label()));
                default -> "";
            };
            out.add("| " + f.label() + " | " + trajectoryFates.get(f) + " | " + theirs + " |");
        }
        out.add("| duplicates removed by the learner | | " + learner("trajectories/duplicate") + " |");
        out.add("| trained twice | " + (trainedIds - trainedIdsDistinct) + " | |");
        out.add("");
        out.add("(the learner's trajectories/timed_out counts n per missing group, produced late or never; the topic"
                + " column counts the produced ones only. From the topics an untrained group the learner decided is"
                + " \"filtered\" when the reward service dropped it (keep=false), else \"stale\"; the learner checks"
                + " staleness first, so only filtered + stale is compared)");
        if (!deadLetterReasons.isEmpty()) {
            out.add("");
            out.add("dead-lettered groups by topic and reason:");
            deadLetterReasons.forEach((k, n) -> out.add("- " + k + ": " + n));
        }
        if (unattributedDeadLetters > 0) {
            out.add("dead-lettered records that do not decode (no run to attribute them to): " + unattributedDeadLetters);
        }
        return out;
    }

    private static String shorten(String reason) {
        String r = reason.replace('\n', ' ');
        return r.length() <= 160 ? r : r.substring(0, 157) + "...";
    }
}
