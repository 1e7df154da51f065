package io.kanary.detector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Probes and requests as separate evidence: Λ_probes · (½ + ½ · Λ_requests) at each start. */
class ScanApartTest {
    static final ChangePointMixture.Term HALF = MsprtByBound.term((baseBad, baseProbes) -> 0.5);
    static final int SLOTS = 20;

    @Test
    void shouldWeighProbesAloneExactlyAsTheScanOfProbesDoes() {
        SplittableRandom random = new SplittableRandom(3);
        long[] bad = new long[SLOTS];
        long[] probes = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            probes[i] = 10;
            bad[i] = 6 + random.nextInt(5); // 60% to 100% slow
        }
        long[] none = new long[SLOTS];

        ChangePointMixture.Evidence alone = ChangePointMixture.scan(bad, probes, none, none,
                ChangePointMixture.Runs.none(SLOTS), 4, 3, 20, HALF);
        ChangePointMixture.Evidence apart = ChangePointMixture.scanApart(bad, probes, none, none, none, none, none, none,
                4, 3, 20, HALF, HALF);

        assertTrue(alone.logStatistic() > 0, "the probes show something: " + alone);
        assertEquals(alone, apart);
    }

    @Test
    void shouldCostTheProbesAtMostLogTwoWhenTheRequestsShowNothing() {
        long[] bad = new long[SLOTS];
        long[] probes = new long[SLOTS];
        long[] requestBad = new long[SLOTS];
        long[] requests = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            probes[i] = 10;
            bad[i] = 8; // 80% of the probes slower than the bound
            requests[i] = 300;
            requestBad[i] = 30; // straddling requests count as not slower: 10%
        }
        long[] none = new long[SLOTS];

        double probesOnly = ChangePointMixture.scan(bad, probes, none, none, ChangePointMixture.Runs.none(SLOTS), 0, 3, 20,
                HALF).logStatistic();
        double apart = ChangePointMixture.scanApart(bad, probes, none, none, requestBad, requests, none, none, 0, 3, 20,
                HALF, HALF).logStatistic();
        long[] summedBad = new long[SLOTS];
        long[] summed = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            summedBad[i] = bad[i] + requestBad[i];
            summed[i] = probes[i] + requests[i];
        }
        double together = ChangePointMixture.scan(summedBad, summed, none, none, ChangePointMixture.Runs.none(SLOTS), 0, 3,
                20, HALF).logStatistic();

        assertTrue(probesOnly > Math.log(8 / 0.001), "probes alone conclude: " + probesOnly);
        assertTrue(apart >= probesOnly - Math.log(2) - 1e-9 && apart <= probesOnly, probesOnly + " then " + apart);
        assertTrue(together < 0, "summed, the requests drown the probes: " + together);
    }

    @Test
    void shouldAddTheRequestsEvidenceToTheProbes() {
        long[] probes = new long[SLOTS];
        long[] bad = new long[SLOTS];
        long[] requestBad = new long[SLOTS];
        long[] requests = new long[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            probes[i] = 10;
            bad[i] = 5;
            requests[i] = 300;
            requestBad[i] = 240;
        }
        long[] none = new long[SLOTS];

        double probesOnly = ChangePointMixture.scan(bad, probes, none, none, ChangePointMixture.Runs.none(SLOTS), 0, 3, 20,
                HALF).logStatistic();
        double apart = ChangePointMixture.scanApart(bad, probes, none, none, requestBad, requests, none, none, 0, 3, 20,
                HALF, HALF).logStatistic();

        assertTrue(apart > probesOnly + 100, probesOnly + " then " + apart);
    }
}
