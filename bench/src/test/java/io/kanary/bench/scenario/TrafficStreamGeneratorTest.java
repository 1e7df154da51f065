package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.TrafficSample;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficStreamGeneratorTest {
    private static final TrafficScenario SUDDEN_30 = TrafficScenarios.named("traffic-sudden-30%")
            .withHorizon(Duration.ofSeconds(60));

    @Test
    void shouldGenerateTheSameStreamForTheSameSeed() {
        assertEquals(TrafficStreamGenerator.generate(SUDDEN_30, 7), TrafficStreamGenerator.generate(SUDDEN_30, 7));
        assertTrue(!TrafficStreamGenerator.generate(SUDDEN_30, 7).samples()
                .equals(TrafficStreamGenerator.generate(SUDDEN_30, 8).samples()));
    }

    @Test
    void shouldServeAHundredRequestsPerSecondOnThreeInstancesOfEachVersion() {
        TrafficStream stream = TrafficStreamGenerator.generate(SUDDEN_30, 1);
        assertEquals(List.of("host-4", "host-5", "host-6"), stream.hostsOf("v2"));
        assertEquals(List.of("host-1", "host-2", "host-3"), stream.hostsOf("v1"));
        // 90 s of each instance, a sample a second from a phase in the first second: 89 whole seconds.
        assertEquals(6 * 89, stream.samples().size());
        double perSecond = stream.samples().stream().mapToLong(TrafficSample::requests).sum() / (6.0 * 89);
        assertEquals(100, perSecond, 2);
    }

    @Test
    void shouldFailAtTheScenarioRateBeforeAndAfterTheOnset() {
        TrafficStream stream = TrafficStreamGenerator.generate(SUDDEN_30, 1);
        assertEquals(0.01, errorShare(stream, "v2", false), 0.005);
        assertEquals(0.30, errorShare(stream, "v2", true), 0.02);
        assertEquals(0.01, errorShare(stream, "v1", true), 0.005);
    }

    @Test
    void shouldCountLatenciesInCumulativeBucketsFromFiveMillisecondsToFiveSeconds() {
        TrafficSample sample = TrafficStreamGenerator.generate(SUDDEN_30.withFixedRate(), 1).samples().get(0);
        assertEquals(100, sample.requests());
        assertEquals(TrafficStreamGenerator.BUCKETS_MS,
                sample.latency().stream().map(TrafficSample.LatencyBucket::leMs).toList());
        long atOrUnder100 = sample.latency().get(4).count();
        // Log-normal, median 80 ms: about 67% at or under 100 ms.
        assertTrue(atOrUnder100 > 50 && atOrUnder100 < 85, "at or under 100 ms: " + atOrUnder100);
    }

    @Test
    void shouldDoubleTheMedianLatencyFromTheOnset() {
        TrafficStream stream = TrafficStreamGenerator.generate(TrafficScenarios.named("traffic-median-x2")
                .withHorizon(Duration.ofSeconds(60)), 1);
        assertEquals(0.67, shareUnder100ms(stream, "v2", false), 0.03);
        assertEquals(0.17, shareUnder100ms(stream, "v2", true), 0.03);
    }

    @Test
    void shouldLeaveOutTheSampleOfASecondTheInstanceIsDown() {
        TrafficScenario blip = TrafficScenarios.named("traffic-blip-1s").withHorizon(Duration.ofSeconds(60));
        TrafficStream stream = TrafficStreamGenerator.generate(blip, 1);
        assertEquals(3 * 89, stream.samplesOf("v1").size());
        assertEquals(3 * 89 - 3, stream.samplesOf("v2").size());
        assertTrue(stream.probes().stream().anyMatch(p -> p.version().equals("v2") && p.statusCode() == 0));
    }

    private static double errorShare(TrafficStream stream, String version, boolean afterOnset) {
        List<TrafficSample> samples = stream.samplesOf(version).stream()
                .filter(s -> !s.intervalStart().isBefore(stream.onset()) == afterOnset
                        && (afterOnset || !s.intervalEnd().isAfter(stream.onset()))).toList();
        return (double) samples.stream().mapToLong(TrafficSample::errors).sum()
                / samples.stream().mapToLong(TrafficSample::requests).sum();
    }

    private static double shareUnder100ms(TrafficStream stream, String version, boolean afterOnset) {
        List<TrafficSample> samples = stream.samplesOf(version).stream()
                .filter(s -> !s.intervalStart().isBefore(stream.onset()) == afterOnset
                        && (afterOnset || !s.intervalEnd().isAfter(stream.onset()))).toList();
        return (double) samples.stream().mapToLong(s -> s.latency().get(4).count()).sum()
                / samples.stream().mapToLong(TrafficSample::requests).sum();
    }
}
