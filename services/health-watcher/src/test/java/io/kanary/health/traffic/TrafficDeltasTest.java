package io.kanary.health.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.TrafficSample.LatencyBucket;
import io.kanary.schema.TrafficSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrafficDeltasTest {
    private static final TrafficReading.Mapping MICROMETER = TrafficReading.Mapping.of(TrafficSource.defaults());

    private final TrafficDeltas deltas = new TrafficDeltas();

    @Test
    void shouldOnlySetTheBaselineAtTheFirstRead() {
        assertEquals(Optional.empty(), deltas.next(read(count("200", 100) + count("500", 7))));
    }

    @Test
    void shouldCountRequestsAndErrorsSinceThePreviousRead() {
        deltas.next(read(count("200", 100) + count("404", 5) + count("500", 7)));

        IntervalCounts counts = deltas.next(read(count("200", 150) + count("404", 6) + count("500", 10))).orElseThrow();

        assertEquals(new IntervalCounts(54, 3, List.of()), counts);
    }

    @Test
    void shouldTakeALowerValueAsARestartAndCountItWhole() {
        deltas.next(read(count("200", 1_000) + count("500", 40)));

        IntervalCounts counts = deltas.next(read(count("200", 12) + count("500", 2))).orElseThrow();

        assertEquals(new IntervalCounts(14, 2, List.of()), counts);
    }

    @Test
    void shouldCountAStatusThatAppearedSinceThePreviousReadWhole() {
        deltas.next(read(count("200", 100)));

        IntervalCounts counts = deltas.next(read(count("200", 120) + count("503", 4))).orElseThrow();

        assertEquals(new IntervalCounts(24, 4, List.of()), counts);
    }

    @Test
    void shouldSumBucketsOverStatusesAsCumulativeMillisecondsLeavingInfOut() {
        deltas.next(read(count("200", 10) + count("500", 0)
                + bucket("200", "0.005", 2) + bucket("200", "0.05", 8) + bucket("200", "+Inf", 10)
                + bucket("500", "0.005", 0) + bucket("500", "0.05", 0) + bucket("500", "+Inf", 0)));

        IntervalCounts counts = deltas.next(read(count("200", 20) + count("500", 5)
                + bucket("200", "0.005", 5) + bucket("200", "0.05", 16) + bucket("200", "+Inf", 20)
                + bucket("500", "0.005", 1) + bucket("500", "0.05", 4) + bucket("500", "+Inf", 5))).orElseThrow();

        assertEquals(new IntervalCounts(15, 5, List.of(new LatencyBucket(5.0, 4), new LatencyBucket(50.0, 12))), counts);
    }

    @Test
    void shouldKeepBucketsCumulativeAndWithinTheRequestCountWhenSeriesDisagree() {
        deltas.next(read(count("200", 10) + bucket("200", "0.01", 9) + bucket("200", "0.1", 10)));

        // The histogram's 10 ms series restarted (9 -> 3), the counter did not: 3 would exceed the 2 of 100 ms.
        IntervalCounts counts = deltas.next(read(count("200", 12) + bucket("200", "0.01", 3)
                + bucket("200", "0.1", 12))).orElseThrow();

        assertEquals(new IntervalCounts(2, 0, List.of(new LatencyBucket(10.0, 2), new LatencyBucket(100.0, 2))), counts);
    }

    @Test
    void shouldReadThePrometheusClientsConventionsWhenMappedToThem() {
        TrafficReading.Mapping prometheus = TrafficReading.Mapping.of(new TrafficSource(null, null, "http_requests_total",
                "http_request_duration_seconds_bucket", "code", "5..|429"));
        deltas.next(TrafficReading.parse("""
                http_requests_total{code="200",handler="/"} 10
                http_requests_total{code="429",handler="/"} 1
                http_request_duration_seconds_bucket{handler="/",le="0.1"} 11
                """, prometheus));

        IntervalCounts counts = deltas.next(TrafficReading.parse("""
                http_requests_total{code="200",handler="/"} 13
                http_requests_total{code="429",handler="/"} 2
                http_requests_total{code="502",handler="/"} 1
                http_request_duration_seconds_bucket{handler="/",le="0.1"} 15
                """, prometheus)).orElseThrow();

        assertEquals(new IntervalCounts(5, 2, List.of(new LatencyBucket(100.0, 4))), counts);
    }

    @Test
    void shouldLeaveOutNaNSeriesAndRefuseABucketWithoutABound() {
        deltas.next(read(count("200", 1) + count("500", 1)));
        assertEquals(new IntervalCounts(2, 0, List.of()),
                deltas.next(read(count("200", 3) + "http_server_requests_seconds_count{status=\"500\"} NaN\n")).orElseThrow());

        PrometheusText.FormatException refused = assertThrows(PrometheusText.FormatException.class,
                () -> read("http_server_requests_seconds_bucket{status=\"200\"} 1\n"));
        assertTrue(refused.getMessage().contains("no bucket bound le"), refused.getMessage());
    }

    private static TrafficReading read(String exposition) {
        return TrafficReading.parse(exposition, MICROMETER);
    }

    private static String count(String status, long value) {
        return "http_server_requests_seconds_count{method=\"GET\",status=\"" + status + "\",uri=\"/\"} " + value + ".0\n";
    }

    private static String bucket(String status, String le, long value) {
        return "http_server_requests_seconds_bucket{method=\"GET\",status=\"" + status + "\",uri=\"/\",le=\"" + le + "\"} "
                + value + ".0\n";
    }
}
