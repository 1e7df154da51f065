package io.kanary.detector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.window.EvidenceWindow;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statistics against streams of known distribution, seeded so that every run sees the same
 * streams. A healthy stream sits exactly on the null's boundary (the hardest case); it is judged
 * after every probe over a sliding window of 1 s buckets, as the detector judges it.
 */
class SequentialTestsPropertyTest {
    static final int RUNS = 2_000;
    static final int SLOTS = 30;          // 30 s of probes
    static final int PER_SLOT = 10;       // 10 probes per second
    static final int WINDOW = 10;         // a 10 s window
    static final int MIN_SAMPLES = 20;

    /** Monte-Carlo slack: three standard errors of a binomial proportion α over {@link #RUNS} runs. */
    static double bound(double alpha) {
        return alpha + 3 * Math.sqrt(alpha * (1 - alpha) / RUNS);
    }

    @Test
    void shouldRejectHealthyBernoulliStreamsAtMostAlphaOfTheTimeWhenLookedAtAfterEveryProbe() {
        double alpha = 0.01;
        double p0 = 0.05;
        BernoulliMsprt test = new BernoulliMsprt(p0);
        double mixture = falseRejections(new Random(1), p0, alpha, 0, 0,
                (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s));
        double naive = naiveFalseRejections(new Random(1), p0, alpha);
        System.out.printf("healthy p = limit = %.2f, alpha %.3f: mSPRT rejects %.4f, naive repeated z-test %.4f%n",
                p0, alpha, mixture, naive);
        assertTrue(mixture <= bound(alpha), "mSPRT false rejections " + mixture + " > " + bound(alpha));
        assertTrue(naive > 5 * bound(alpha), "the naive test should fail the same bound, rejected " + naive);
    }

    @Test
    void shouldKeepDetectorsFalseRollbackRateBelowPolicyAlphaOnHealthyStreams() {
        double alpha = 0.001; // the policy's default, with the detector's share log(4/α) and its evidence rules
        double p0 = 0.05;
        BernoulliMsprt test = new BernoulliMsprt(p0);
        double rate = falseRejections(new Random(2), p0, alpha / 4, EvidenceWindow.MIN_EVIDENCE_BUCKETS, MIN_SAMPLES,
                (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s));
        System.out.printf("healthy p = limit, detector settings (alpha %.3f): false rollbacks %.4f%n", alpha, rate);
        assertTrue(rate <= bound(alpha), "false rollback rate " + rate);
    }

    @Test
    void shouldDetectSuddenThirtyPercentErrorRateWithinFewProbes() {
        BernoulliMsprt test = new BernoulliMsprt(0.05);
        Random random = new Random(4);
        int[] taken = new int[200];
        for (int run = 0; run < taken.length; run++) {
            taken[run] = detectionProbe(random, 0.30, Math.log(4 / 0.001), test);
            assertTrue(taken[run] > 0, "run " + run + " never detected 30% errors");
        }
        java.util.Arrays.sort(taken);
        System.out.printf("sudden 30%% at 10 probes/s from the start, probes to decide: median %d, p95 %d, max %d%n",
                taken[100], taken[190], taken[199]);
        assertTrue(taken[100] <= 50, "median " + taken[100] + " probes");
        assertTrue(taken[190] <= 100, "p95 " + taken[190] + " probes");
    }

    @Test
    void shouldGiveNoEvidenceBelowTheLimitAndGrowingEvidenceAboveIt() {
        BernoulliMsprt test = new BernoulliMsprt(0.05);
        assertTrue(test.logLikelihoodRatio(1, 99) < 0, "1% against a 5% limit");
        assertTrue(test.logLikelihoodRatio(30, 70) > test.logLikelihoodRatio(15, 85));
        assertEquals(0, test.logLikelihoodRatio(0, 0), 1e-12);
    }

    // --- simulation ---

    @Test
    void shouldCountTheLongestRunOfFailuresAsOneFailure() {
        BernoulliMsprt test = new BernoulliMsprt(0.05);
        ChangePointMixture.Term term = (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s);
        long[] bad = {10, 1, 1, 1};
        long[] probes = {10, 10, 10, 10};
        long[] none = new long[4];
        long[] runs = {10, 1, 1, 1};
        ChangePointMixture.Evidence asProbes = ChangePointMixture.scan(bad, probes, none, none,
                ChangePointMixture.Runs.none(4), 0, 3, 20, term);
        ChangePointMixture.Evidence asBlip = ChangePointMixture.scan(bad, probes, none, none,
                new ChangePointMixture.Runs(runs, new long[] {900, 0, 0, 0}, 2_000), 0, 3, 20, term);
        ChangePointMixture.Evidence asOutage = ChangePointMixture.scan(bad, probes, none, none,
                new ChangePointMixture.Runs(runs, new long[] {2_500, 0, 0, 0}, 2_000), 0, 3, 20, term);
        assertEquals(13, asProbes.bad());
        assertEquals(4, asBlip.bad(), "ten failures in a row within 0.9 s count once");
        assertEquals(31, asBlip.probes());
        assertTrue(asBlip.logStatistic() < asProbes.logStatistic() - 10);
        assertEquals(13, asOutage.bad(), "a run longer than the tolerance counts in full");
    }

    @Test
    void shouldCountARunInFullWhenSeveralInstancesFailAPartOfTheirRequestsButNotWhenTheBaselinesDoToo() {
        BernoulliMsprt test = new BernoulliMsprt(0.05);
        ChangePointMixture.Term term = (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s);
        // One bucket: 60 of 200 requests failed, 30 on each of two instances, one of them a run of 30.
        long[] bad = {60};
        long[] requests = {200};
        long[] none = new long[1];
        ChangePointMixture.Runs runs = new ChangePointMixture.Runs(new long[] {30}, new long[] {0}, 2_000);
        long oneInstance = ChangePointMixture.scan(bad, requests, none, none, runs,
                new ChangePointMixture.Spread(List.of(Set.of("a")), List.of(Set.of()), 2), 0, 1, 20, term).bad();
        long twoInstances = ChangePointMixture.scan(bad, requests, none, none, runs,
                new ChangePointMixture.Spread(List.of(Set.of("a", "b")), List.of(Set.of()), 2), 0, 1, 20, term).bad();
        long shared = ChangePointMixture.scan(bad, requests, none, none, runs,
                new ChangePointMixture.Spread(List.of(Set.of("a", "b")), List.of(Set.of("base-a")), 2), 0, 1, 20, term).bad();

        assertEquals(List.of(31L, 60L, 31L), List.of(oneInstance, twoInstances, shared),
                "one instance's run may be its outage; two instances failing at once are the version, unless the baseline fails too");
    }

    interface SlotFiller {
        void probe(int slot);
    }

    private double falseRejections(Random random, double p, double alpha, int minEvidence, int minProbes,
                                   ChangePointMixture.Term term) {
        int rejected = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] bad = new long[SLOTS];
            long[] probes = new long[SLOTS];
            if (rejects(random, SLOTS, i -> bad[i] += random.nextDouble() < p ? 1 : 0, bad, probes,
                    new long[SLOTS], new long[SLOTS], alpha, minEvidence, minProbes, term)) {
                rejected++;
            }
        }
        return (double) rejected / RUNS;
    }

    /** Feeds {@code slots} seconds of probes, judging the window after every probe; true once the test rejects. */
    static boolean rejects(Random random, int slots, SlotFiller filler, long[] bad, long[] probes, long[] baseBad,
                            long[] baseProbes, double alpha, int minEvidence, int minProbes,
                            ChangePointMixture.Term term) {
        double threshold = Math.log(1 / alpha);
        for (int slot = 0; slot < slots; slot++) {
            for (int k = 0; k < PER_SLOT; k++) {
                filler.probe(slot);
                probes[slot]++;
                if (baseProbes != null) {
                    baseProbes[slot]++;
                }
                int from = Math.max(0, slot - WINDOW + 1);
                ChangePointMixture.Evidence evidence = ChangePointMixture.scan(
                        slice(bad, from, slot), slice(probes, from, slot), slice(baseBad, from, slot),
                        slice(baseProbes, from, slot), ChangePointMixture.Runs.none(slot - from + 1), from, minEvidence, minProbes, term);
                if (evidence.concludes(threshold)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The naive rule: a one-sided z-test of the window's error rate at level α, repeated after every probe. */
    private double naiveFalseRejections(Random random, double p0, double alpha) {
        double z = 2.326; // the 99th percentile of N(0, 1), for α = 0.01
        assertEquals(0.01, alpha);
        int rejected = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] bad = new long[SLOTS];
            long[] probes = new long[SLOTS];
            boolean rejectedRun = false;
            for (int slot = 0; slot < SLOTS && !rejectedRun; slot++) {
                for (int k = 0; k < PER_SLOT && !rejectedRun; k++) {
                    bad[slot] += random.nextDouble() < p0 ? 1 : 0;
                    probes[slot]++;
                    long s = 0;
                    long n = 0;
                    for (int i = Math.max(0, slot - WINDOW + 1); i <= slot; i++) {
                        s += bad[i];
                        n += probes[i];
                    }
                    rejectedRun = n >= MIN_SAMPLES && ((double) s / n - p0) / Math.sqrt(p0 * (1 - p0) / n) > z;
                }
            }
            rejected += rejectedRun ? 1 : 0;
        }
        return (double) rejected / RUNS;
    }

    /** The probe (counted from the onset) at which 30% errors from the deployment's start conclude; -1 if never. */
    private int detectionProbe(Random random, double p, double threshold, BernoulliMsprt test) {
        long[] bad = new long[SLOTS];
        long[] probes = new long[SLOTS];
        int seen = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            for (int k = 0; k < PER_SLOT; k++) {
                bad[slot] += random.nextDouble() < p ? 1 : 0;
                probes[slot]++;
                seen++;
                int from = Math.max(0, slot - WINDOW + 1);
                if (ChangePointMixture.scan(slice(bad, from, slot), slice(probes, from, slot), new long[slot - from + 1],
                        new long[slot - from + 1], ChangePointMixture.Runs.none(slot - from + 1), from, EvidenceWindow.MIN_EVIDENCE_BUCKETS, MIN_SAMPLES,
                        (s, n, bs, bn) -> test.logLikelihoodRatio(s, n - s)).concludes(threshold)) {
                    return seen;
                }
            }
        }
        return -1;
    }

    private static long[] slice(long[] values, int from, int to) {
        long[] slice = new long[to - from + 1];
        System.arraycopy(values, from, slice, 0, slice.length);
        return slice;
    }
}
