package io.kanary.detector;

import static io.kanary.detector.BreachTopologyTest.at;
import static io.kanary.detector.DetectorDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.CloudEvents;
import io.kanary.schema.Breach;
import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSample.LatencyBucket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many samples of the new version a sudden error rate needs before it is rolled back, over 10
 * seeds: three instances per version at 100 requests a second, 1 s samples, 30 s of healthy 1% on
 * both before the onset, policy defaults: the figures the detector's README quotes. A sample ends
 * one second after it starts, so the decisive sample's number over three is the seconds from the
 * onset to the detection, rounded up.
 */
class TrafficSpeedTest {
    static final Policy POLICY = Policy.defaults().withStartupGraceMs(0);
    static final int REQUESTS = 100;
    static final List<String> INSTANCES = List.of("a", "b", "c");
    static final int SEEDS = 10;
    static final int ONSET_S = 30;

    @TempDir
    Path stateDir;

    @Test
    void shouldDecideThirtyPercentOnTheFirstSecondsSecondSampleAndTenPercentWithinThreeSeconds() {
        List<Integer> thirty = new ArrayList<>();
        List<Integer> ten = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            thirty.add(samplesToBreach(seed, 0.30));
            ten.add(samplesToBreach(seed, 0.10));
        }
        System.out.printf("Samples of v2 after the onset to a breach: 30%% %s, 10%% %s%n", thirty, ten);

        // 30%: the second sample after the onset (two instances failing a share of their requests at once are no
        // outage), so detected at the end of its first second.
        assertEquals(List.of(2, 2, 2, 2, 2, 2, 2, 2, 2, 2), thirty);
        // 10%: from the 4th to the 7th sample, so detected by the end of its third second.
        assertEquals(List.of(6, 5, 4, 7, 6, 7, 7, 4, 4, 6), ten);
    }

    /** v2's samples from the onset up to and including the decisive one. */
    private int samplesToBreach(int seed, double errorRate) {
        Random random = new Random(seed);
        try (DetectorDriver detector = new DetectorDriver(stateDir.resolve(errorRate + "-" + seed))) {
            detector.started("d-1", "v2", "v1", T0, POLICY);
            int afterOnset = 0;
            for (int s = 0; s < ONSET_S + 60; s++) {
                for (String instance : INSTANCES) {
                    detector.sample("v1", "v1-" + instance, at(s * 1_000L), REQUESTS, binomial(random, 0.01), latency());
                }
                for (String instance : INSTANCES) {
                    double p = s < ONSET_S ? 0.01 : errorRate;
                    detector.sample("v2", "v2-" + instance, at(s * 1_000L), REQUESTS, binomial(random, p), latency());
                    afterOnset += s < ONSET_S ? 0 : 1;
                    if (!detector.breaches.isEmpty()) {
                        TestRecord<String, Breach> breach = detector.breaches.readRecord();
                        assertEquals(DetectorDriver.sampleId("v2", "v2-" + instance, at(s * 1_000L)),
                                CloudEvents.header(breach.headers(), CloudEvents.CAUSATION_ID).orElseThrow());
                        return s < ONSET_S ? -1 : afterOnset; // -1: a false rollback before the onset
                    }
                }
            }
            throw new AssertionError("no breach within 60 s of the onset");
        }
    }

    private static long binomial(Random random, double p) {
        long k = 0;
        for (int i = 0; i < REQUESTS; i++) {
            k += random.nextDouble() < p ? 1 : 0;
        }
        return k;
    }

    private static List<LatencyBucket> latency() {
        return List.of(new LatencyBucket(50, 60), new LatencyBucket(100, 95), new LatencyBucket(250, 100));
    }
}
