package io.kanary.detector.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSample.LatencyBucket;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A traffic sample's requests in a {@link Bucket}: its counts, its histogram, and what the tests read of them. */
class TrafficLatenciesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** 100 requests: 50 within 50 ms, 40 in (50, 100], 6 in (100, 1000], 4 over 1 s. */
    private static final List<LatencyBucket> HISTOGRAM = List.of(new LatencyBucket(50, 50), new LatencyBucket(100, 90),
            new LatencyBucket(1_000, 96));

    @Test
    void shouldCountEveryRequestAsAnOutcomeAndItsErrorsAsFailures() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(sample(100, 3, HISTOGRAM), null);

        assertEquals(List.of(100L, 3L, 100L, 3L, 97L, 97L, Optional.of(T0)),
                List.of(bucket.probes(), bucket.failures(), bucket.requests(), bucket.requestErrors(), bucket.answered(),
                        bucket.answeredRequests(), WindowStats.of(List.of(bucket)).firstFailureAt()));
    }

    @Test
    void shouldCountARequestSlowerThanLOnlyWhenItsBucketStartsAtOrAboveL() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(sample(100, 0, HISTOGRAM), null);

        // Over 1 s: 4 certainly; over 100 ms: those in (100, 1000] and over 1 s; over 99 ms: the same, as (50, 100] may be faster.
        assertEquals(List.of(4L, 10L, 10L, 50L, 0L), List.of(bucket.countAbove(1_000), bucket.countAbove(100),
                bucket.countAbove(99), bucket.countAbove(50), bucket.countAbove(5_000)));
    }

    @Test
    void shouldTakeTheErrorsForTheSlowestRequests() {
        Bucket bucket = Bucket.empty(0.01);
        // 5 errors: the 4 over 1 s and one of (100, 1000].
        bucket.add(sample(100, 5, HISTOGRAM), null);

        assertEquals(List.of(0L, 5L, 95L), List.of(bucket.countAbove(1_000), bucket.countAbove(100), bucket.answered()));
    }

    @Test
    void shouldSeeEachRequestAtItsBucketsUpperBoundInQuantiles() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(sample(100, 0, HISTOGRAM), null);
        WindowStats stats = WindowStats.of(List.of(bucket));

        // The median is among (0, 50], the p95 among (100, 1000], the p99 over the last bound: at that bound.
        assertEquals(List.of(50.0, 1_000.0, 1_000.0), List.of(round(stats.p50()), round(stats.p95()), round(stats.p99())));
    }

    @Test
    void shouldBoundTheRequestsQuantileByItsBucketsUpperBoundAndKeepThemApartFromTheProbes() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(sample(100, 0, HISTOGRAM), null);
        bucket.add(new io.kanary.schema.ProbeResult("p-1", 1, "checkout", "v2", "host-1", "i-1", true, 200, 300,
                T0.plusMillis(10), null), null);
        WindowStats stats = WindowStats.of(List.of(bucket));

        // The 50th of 100 requests is the last of (0, 50]; the 51st is in (50, 100]; the 91st in (100, 1000].
        assertEquals(List.of(50.0, 100.0, 1_000.0), List.of(stats.requestQuantileUpperBoundMs(0.5),
                stats.requestQuantileUpperBoundMs(0.51), stats.requestQuantileUpperBoundMs(0.91)));
        assertEquals(List.of(300.0, 1L, 100L, 1L, 4L, 10L), List.of(round(stats.probeQuantile(0.5)), stats.answeredProbes(),
                bucket.answeredRequests(), bucket.probesAbove(100), bucket.requestsAbove(1_000), bucket.requestsAbove(100)));
    }

    @Test
    void shouldKnowNoLatencyOfASampleWithoutAHistogram() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(sample(100, 2, List.of()), null);

        assertEquals(List.of(100L, 2L, 0L, 0L), List.of(bucket.probes(), bucket.failures(), bucket.answered(),
                bucket.countAbove(0)));
    }

    @Test
    void shouldReadBackTrafficWhatItWrote() {
        Bucket bucket = Bucket.empty(0.01);
        bucket.add(new io.kanary.schema.ProbeResult("p-1", 1, "checkout", "v2", "host-1", "i-1", true, 200, 2_000,
                T0.plusMillis(10), null), null);
        bucket.add(sample(100, 5, HISTOGRAM), new FailureRun(5, T0.toEpochMilli()));
        bucket.add(sample(10, 0, List.of()), null);
        BucketSerde serde = new BucketSerde();

        Bucket read = serde.deserialize("t", serde.serialize("t", bucket));

        assertEquals(List.of(111L, 5L, 110L, 5L, 96L, 95L, 5L, 6L, 1L),
                List.of(read.probes(), read.failures(), read.requests(), read.requestErrors(), read.answered(),
                        read.answeredRequests(), read.longestFailureRun(), read.countAbove(100), read.countAbove(1_500)));
        assertEquals(round(WindowStats.of(List.of(bucket)).p95()), round(WindowStats.of(List.of(read)).p95()));
    }

    private static double round(double ms) {
        return Math.round(ms / 10) * 10.0; // within the sketch's 1%
    }

    private static TrafficSample sample(long requests, long errors, List<LatencyBucket> latency) {
        return new TrafficSample("t-1", 1, "checkout", "v2", "host-1", "i-1", "scrape", T0, T0.plusSeconds(1), requests,
                errors, latency);
    }
}
