package io.kanary.detector;

import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many probes a sudden 30% failure needs before it is rolled back, held to a healthy 1% baseline's
 * usual rate (test 2) and to the 5% limit alone (test 1, a first version with no baseline): the figure
 * the detector's README quotes. The new version fails 3 of every 10 probes, at each of the ten phases of
 * that pattern; the baseline fails 1 in 100 and has 5 min of history before the deployment; each version
 * is probed twice a second. {@code minSamples} is 1 so that only the tests themselves decide. (At 10
 * probes/s the rule of bad outcomes in three distinct seconds binds first, and the baseline test needs
 * 21-24 probes.)
 */
class BaselineTestSpeedTest {
    /** The defaults, but any number of probes may decide and no start-up grace hides a first failure. */
    static final Policy POLICY = new Policy(null, null, null, 1, null, null, null, null).withStartupGraceMs(0);
    /** Slow enough that three distinct buckets of failures never bind: the statistics alone decide. */
    static final int PROBES_PER_SECOND = 2;
    /** The baseline's 5 min of history. */
    static final int BASELINE_HISTORY_PROBES = 300 * PROBES_PER_SECOND;
    static final String ERROR_RATE_BASELINE = "mSPRT error rate vs baseline";
    static final String ERROR_RATE_LIMIT = "mSPRT error rate > limit";

    @TempDir
    Path stateDir;

    @Test
    void shouldNeedAboutSixtyPercentOfTheProbesAgainstTheBaselineThatTheLimitNeeds() {
        List<Integer> vsBaseline = new ArrayList<>();
        List<Integer> vsLimit = new ArrayList<>();
        for (int phase = 0; phase < 10; phase++) {
            vsBaseline.add(probesToBreach(phase, true));
            vsLimit.add(probesToBreach(phase, false));
        }
        System.out.printf("30%% failure, probes to a breach: vs baseline %s (median %.1f), vs limit %s (median %.1f)%n",
                vsBaseline, median(vsBaseline), vsLimit, median(vsLimit));

        assertEquals(List.of(19, 18, 17, 20, 19, 18, 20, 19, 18, 20), vsBaseline);
        assertEquals(List.of(29, 32, 27, 33, 32, 31, 33, 32, 31, 34), vsLimit);
        assertEquals(19.0 / 32.0, median(vsBaseline) / median(vsLimit), 1e-9, "about 60%");
    }

    /**
     * The new version's probes up to and including the one that decided; {@code withBaseline}: held to
     * the baseline, else a first version judged by the limit alone.
     */
    private int probesToBreach(int phase, boolean withBaseline) {
        try (DetectorDriver detector = new DetectorDriver(stateDir.resolve((withBaseline ? "baseline-" : "limit-") + phase))) {
            long gapMs = 1_000 / PROBES_PER_SECOND;
            Instant deployedAt = T0.plusMillis(BASELINE_HISTORY_PROBES * gapMs);
            if (withBaseline) {
                for (int i = 0; i < BASELINE_HISTORY_PROBES; i++) {
                    detector.probe("v1", i % 100 != 99, 40, T0.plusMillis(i * gapMs));
                }
                detector.started("d-1", "v2", "v1", deployedAt, POLICY);
            } else {
                detector.firstStarted("d-1", "v2", deployedAt, POLICY);
            }
            for (int i = 0; i < 1_000; i++) {
                Instant at = deployedAt.plusMillis(i * gapMs);
                if (withBaseline) {
                    detector.probe("v1", (BASELINE_HISTORY_PROBES + i) % 100 != 99, 40, at);
                }
                int k = (i + phase) % 10;
                detector.probe("v2", k != 2 && k != 5 && k != 8, 40, at);
                if (!detector.breaches.isEmpty()) {
                    Breach breach = detector.breaches.readValue();
                    assertEquals(withBaseline ? ERROR_RATE_BASELINE : ERROR_RATE_LIMIT, breach.test());
                    return i + 1;
                }
            }
            throw new AssertionError("no breach within 1,000 probes of the new version");
        }
    }

    private static double median(List<Integer> values) {
        int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
