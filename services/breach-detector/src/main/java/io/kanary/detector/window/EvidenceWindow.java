package io.kanary.detector.window;

import io.kanary.detector.stats.ChangePointMixture;
import io.kanary.detector.stats.ChangePointMixture.Evidence;
import io.kanary.schema.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * An observation's buckets laid out slot by slot, one slot per bucket of the window, for both
 * versions: what a sequential test scans, and the spans its evidence names.
 */
public final class EvidenceWindow {
    /** Distinct buckets that must hold bad outcomes before any test may conclude. */
    public static final int MIN_EVIDENCE_BUCKETS = 3;
    /**
     * Distinct instances whose traffic failing a part of its requests is no blip ({@link ChangePointMixture.Spread}):
     * one instance may be going dark, two at once are not one instance's outage.
     */
    public static final int MIN_PARTLY_FAILING_INSTANCES = 2;

    private final Observation observation;
    private final Bucket[] candidate;
    private final Bucket[] baseline;
    private final long[] probes;
    private final long[] answered;
    private final long[] baseFailures;
    private final long[] baseProbes;
    private final long[] baseAnswered;
    private final ChangePointMixture.Runs runs;

    public EvidenceWindow(Observation observation) {
        this.observation = observation;
        int slots = observation.slots();
        candidate = lay(observation.candidate(), slots);
        baseline = lay(observation.baseline(), slots);
        probes = counts(candidate, Bucket::probes);
        answered = counts(candidate, Bucket::answered);
        baseFailures = counts(baseline, Bucket::failures);
        baseProbes = counts(baseline, Bucket::probes);
        baseAnswered = counts(baseline, Bucket::answered);
        runs = new ChangePointMixture.Runs(counts(candidate, Bucket::longestFailureRun),
                counts(candidate, Bucket::longestFailureRunMs), policy().outageToleranceMs());
    }

    public Observation observation() {
        return observation;
    }

    public Policy policy() {
        return observation.deployment().policy();
    }

    /**
     * The change-point mixture of {@code term} over the new version's failed probes out of all its
     * probes (the longest run of one host's failures counting once, unless several instances' traffic failed a
     * part of its requests: {@link #MIN_PARTLY_FAILING_INSTANCES}), and the baseline's alike.
     */
    public Evidence scanFailures(ChangePointMixture.Term term) {
        long firstChangePoint = (observation.fromMs() - observation.firstBucketMs()) / observation.bucketMs();
        List<Set<String>> partlyFailing = partlyFailing(candidate);
        return ChangePointMixture.scan(counts(candidate, Bucket::failures), probes, baseFailures, baseProbes, runs,
                new ChangePointMixture.Spread(partlyFailing, partlyFailing(baseline), MIN_PARTLY_FAILING_INSTANCES), firstChangePoint,
                MIN_EVIDENCE_BUCKETS, policy().minSamples(), term);
    }

    /**
     * The change-point mixture of {@code term} over the new version's {@code slow} answers out of its
     * answers, and the baseline's alike.
     */
    public Evidence scanSlow(ToLongFunction<Bucket> slow, ChangePointMixture.Term term) {
        return scan(counts(candidate, slow), answered, counts(baseline, slow), baseAnswered,
                ChangePointMixture.Runs.none(probes.length), term);
    }

    private Evidence scan(long[] bad, long[] of, long[] baseBad, long[] baseOf, ChangePointMixture.Runs runs,
                          ChangePointMixture.Term term) {
        long firstChangePoint = (observation.fromMs() - observation.firstBucketMs()) / observation.bucketMs();
        return ChangePointMixture.scan(bad, of, baseBad, baseOf, runs, firstChangePoint, MIN_EVIDENCE_BUCKETS,
                policy().minSamples(), term);
    }

    /**
     * The new version's slow probes and slow requests as separate evidence ({@link ChangePointMixture#scanApart}):
     * {@code slowProbes} of its good probes judged by {@code probeTerm}, {@code slowRequests} of its timed good
     * requests by {@code requestTerm}, each against the baseline's alike.
     */
    public Evidence scanSlowApart(ToLongFunction<Bucket> slowProbes, ChangePointMixture.Term probeTerm,
                                  ToLongFunction<Bucket> slowRequests, ChangePointMixture.Term requestTerm) {
        long firstChangePoint = (observation.fromMs() - observation.firstBucketMs()) / observation.bucketMs();
        return ChangePointMixture.scanApart(counts(candidate, slowProbes), counts(candidate, Bucket::answeredProbes),
                counts(baseline, slowProbes), counts(baseline, Bucket::answeredProbes),
                counts(candidate, slowRequests), counts(candidate, Bucket::answeredRequests),
                counts(baseline, slowRequests), counts(baseline, Bucket::answeredRequests),
                firstChangePoint, MIN_EVIDENCE_BUCKETS, policy().minSamples(), probeTerm, requestTerm);
    }

    /** The baseline's usual share of {@code slow} among {@code of}, over its whole history in the window; NaN without one. */
    public double baselineUsualShare(ToLongFunction<Bucket> slow, ToLongFunction<Bucket> of) {
        List<Bucket> history = observation.baselineHistory().buckets();
        long answers = history.stream().mapToLong(of).sum();
        return answers == 0 ? Double.NaN : (double) history.stream().mapToLong(slow).sum() / answers;
    }

    /** The baseline's usual share of {@code slow} answers, over its whole history in the window; NaN without one. */
    public double baselineUsualSlowShare(ToLongFunction<Bucket> slow) {
        WindowStats history = observation.baselineHistory();
        long answers = history.answered();
        return answers == 0 ? Double.NaN : (double) history.buckets().stream().mapToLong(slow).sum() / answers;
    }

    /** The new version's probes from the evidence's start on. */
    public WindowStats candidateSince(Evidence evidence) {
        return observation.candidate().since(slotStart(evidence.fromSlot()));
    }

    /** The baseline's probes from the evidence's start on. */
    public WindowStats baselineSince(Evidence evidence) {
        return observation.baseline().since(slotStart(evidence.fromSlot()));
    }

    /** How long the evidence spans, from its start to the end of the probe's bucket. */
    public long spanMs(Evidence evidence) {
        return (long) (probes.length - evidence.fromSlot()) * observation.bucketMs();
    }

    private long slotStart(int slot) {
        return observation.fromMs() + slot * observation.bucketMs();
    }

    private Bucket[] lay(WindowStats stats, int slots) {
        Bucket[] laid = new Bucket[slots];
        List<Long> starts = stats.startsMs();
        for (int i = 0; i < starts.size(); i++) {
            long slot = (starts.get(i) - observation.fromMs()) / observation.bucketMs();
            if (slot >= 0 && slot < slots) {
                laid[(int) slot] = stats.buckets().get(i);
            }
        }
        return laid;
    }

    private static List<Set<String>> partlyFailing(Bucket[] buckets) {
        List<Set<String>> instances = new ArrayList<>(buckets.length);
        for (Bucket bucket : buckets) {
            instances.add(bucket == null ? Set.of() : bucket.partlyFailingInstances());
        }
        return instances;
    }

    private static long[] counts(Bucket[] buckets, ToLongFunction<Bucket> count) {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            counts[i] = buckets[i] == null ? 0 : count.applyAsLong(buckets[i]);
        }
        return counts;
    }
}
