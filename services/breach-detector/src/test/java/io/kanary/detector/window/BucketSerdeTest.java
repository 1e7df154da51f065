package io.kanary.detector.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BucketSerdeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BucketSerde serde = new BucketSerde();

    @Test
    void shouldReadBackWhatItWrote() {
        Bucket bucket = Bucket.empty(0.01);
        for (int i = 1; i <= 100; i++) {
            bucket.add(probe(i, i % 10 != 0, i * 10L), i % 10 == 0 ? new FailureRun(i / 10, T0.toEpochMilli()) : null);
        }

        WindowStats stats = WindowStats.of(List.of(serde.deserialize("t", serde.serialize("t", bucket)),
                serde.deserialize("t", serde.serialize("t", Bucket.empty(0.01)))));

        assertEquals(List.of(100L, 10L, Optional.of(T0.plusMillis(10)), Optional.of(T0.plusMillis(51))),
                List.of(stats.samples(), stats.failures(), stats.firstFailureAt(), stats.firstLatencyAbove(500)));
        // Latencies are those of the 90 good probes (10..990 ms but every 100th): their p99 is 980 ms.
        assertEquals(980, stats.p99(), 980 * 0.01);
        assertEquals(List.of(10L, 100L), List.of(stats.buckets().get(0).longestFailureRun(),
                stats.buckets().get(0).longestFailureRunMs()));
    }

    @Test
    void shouldReadBackTheInstancesThatFailedAPartOfTheirRequests() {
        Bucket bucket = Bucket.empty(0.01);
        TrafficSample sample = new TrafficSample("t-1", 1, "checkout", "v2", "host-1", "i-1", "scrape", T0,
                T0.plusSeconds(1), 100, 30, List.of());
        bucket.add(sample, null, "i-1");
        bucket.add(sample, null, "i-2");
        bucket.add(sample, null, null);

        Bucket read = serde.deserialize("t", serde.serialize("t", bucket));

        assertEquals(List.of(Set.of("i-1", "i-2"), 300L, 90L),
                List.of(read.partlyFailingInstances(), read.requests(), read.requestErrors()));
    }

    @Test
    void shouldRefuseBytesThatAreNoBucket() {
        assertThrows(SerializationException.class, () -> serde.deserialize("t", new byte[] {1, 2, 3}));
    }

    private static ProbeResult probe(int n, boolean ok, long latencyMs) {
        return new ProbeResult("p-" + n, 1, "checkout", "v2", "host-1", "i-1", ok, ok ? 200 : 503, latencyMs,
                T0.plusMillis(n), null);
    }
}
