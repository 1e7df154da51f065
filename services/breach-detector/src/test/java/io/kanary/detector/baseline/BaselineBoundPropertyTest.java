package io.kanary.detector.baseline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.detector.stats.BernoulliMsprt;
import io.kanary.detector.stats.ChangePointMixture;
import io.kanary.detector.window.EvidenceWindow;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The error rate test against the baseline rests on an estimate (the baseline's usual rate, counted
 * generously: {@link BaselineRate#heldTo}, the detector's own bound), so its α is approximate:
 * checked here on the hardest healthy streams, a new version
 * failing exactly the baseline's rate plus the margin, judged after every probe as the detector
 * judges it (change-point mixture over 1 s slots, the same-seconds bound, 30 s of a baseline
 * history before the deployment). Seeded, so every run sees the same streams.
 */
class BaselineBoundPropertyTest {
    static final int RUNS = 1_000;
    static final int HISTORY = 300;   // the baseline's probes before the deployment (30 s at 10/s)
    static final int SLOTS = 30;      // 30 s of judging
    static final int PER_SLOT = 10;   // 10 probes/s per version
    static final double MARGIN = 0.01;
    static final double ALPHA = 0.01;

    @Test
    void shouldKeepFalseRejectionsNearAlphaAtEveryBaselineRate() {
        for (double base : new double[] {0.01, 0.05, 0.20}) {
            Random random = new Random(Double.hashCode(base));
            int rejected = 0;
            for (int run = 0; run < RUNS; run++) {
                rejected += rejects(random, base, base + MARGIN) ? 1 : 0;
            }
            double rate = (double) rejected / RUNS;
            double bound = ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS);
            System.out.printf("baseline %.2f, new version at baseline + margin: false rejections %.4f (alpha %.3f)%n",
                    base, rate, ALPHA);
            assertTrue(rate <= bound, "baseline " + base + ": false rejections " + rate + " > " + bound);
        }
    }

    @Test
    void shouldRejectThirtyPercentAgainstOnePercentBaselineQuickly() {
        Random random = new Random(7);
        int detected = 0;
        for (int run = 0; run < 200; run++) {
            detected += rejects(random, 0.01, 0.30) ? 1 : 0;
        }
        assertTrue(detected == 200, "30% against a 1% baseline detected in " + detected + " of 200 runs");
    }

    private static boolean rejects(Random random, double base, double candidate) {
        long historyFailures = 0;
        for (int i = 0; i < HISTORY; i++) {
            historyFailures += random.nextDouble() < base ? 1 : 0;
        }
        long[] bad = new long[SLOTS];
        long[] probes = new long[SLOTS];
        long[] baseBad = new long[SLOTS];
        long[] baseProbes = new long[SLOTS];
        long historyProbes = HISTORY;
        double threshold = Math.log(1 / ALPHA);
        for (int slot = 0; slot < SLOTS; slot++) {
            for (int k = 0; k < PER_SLOT; k++) {
                bad[slot] += random.nextDouble() < candidate ? 1 : 0;
                probes[slot]++;
                boolean baseFailed = random.nextDouble() < base;
                baseBad[slot] += baseFailed ? 1 : 0;
                baseProbes[slot]++;
                historyFailures += baseFailed ? 1 : 0;
                historyProbes++;
                long failures = historyFailures;
                long seen = historyProbes;
                ChangePointMixture.Term term = (s, n, bs, bn) -> new BernoulliMsprt(
                        BaselineRate.heldTo(failures, seen, bs, bn) + MARGIN).logLikelihoodRatio(s, n - s);
                int slots = slot + 1;
                if (ChangePointMixture.scan(java.util.Arrays.copyOf(bad, slots), java.util.Arrays.copyOf(probes, slots),
                        java.util.Arrays.copyOf(baseBad, slots), java.util.Arrays.copyOf(baseProbes, slots),
                        ChangePointMixture.Runs.none(slots), 0, EvidenceWindow.MIN_EVIDENCE_BUCKETS, 20, term)
                        .concludes(threshold)) {
                    return true;
                }
            }
        }
        return false;
    }
}
