package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import io.kanary.schema.TrafficSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A policy's traffic source and the settings judging it, as a deploy request gives them. */
class TrafficValidationTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldAcceptTheDefaultsAndThePrometheusClientsConventions() {
        assertEquals(List.of(), RequestValidator.validate(request(Policy.defaults().withTraffic(TrafficSource.defaults()))));
        assertEquals(List.of(), RequestValidator.validate(request(Policy.defaults().withTraffic(new TrafficSource(
                "/actuator/prometheus", 500L, "http_requests_total", "http_request_duration_seconds_bucket", "code",
                "5..|429")))));
    }

    @Test
    void shouldRefuseAPathNotStartingWithASlash() {
        assertEquals(List.of(new Violation("policy.traffic.path", "must start with '/', e.g. \"/metrics\"; was \"metrics\"")),
                violations(new TrafficSource("metrics", null, null, null, null, null)));
    }

    @Test
    void shouldRefuseAnIntervalBelow100Ms() {
        assertEquals(List.of(new Violation("policy.traffic.intervalMs", "must be at least 100 (ms); was 99")),
                violations(new TrafficSource(null, 99L, null, null, null, null)));
    }

    @Test
    void shouldRefuseMetricNamesThatAreNotPrometheusNames() {
        assertEquals(List.of(
                new Violation("policy.traffic.requestsMetric", "must be a Prometheus metric name (letters, digits, '_'"
                        + " and ':', not starting with a digit), e.g. \"http_server_requests_seconds_count\"; was"
                        + " \"http.server.requests\""),
                new Violation("policy.traffic.latencyMetric", "must be a Prometheus metric name (letters, digits, '_'"
                        + " and ':', not starting with a digit), e.g. \"http_server_requests_seconds_bucket\"; was"
                        + " \"9_bucket\""),
                new Violation("policy.traffic.statusLabel", "must be a Prometheus label name (letters, digits and '_',"
                        + " not starting with a digit), e.g. \"status\" or \"code\"; was \"http-status\"")),
                violations(new TrafficSource(null, null, "http.server.requests", "9_bucket", "http-status", null)));
    }

    @Test
    void shouldRefuseAnErrorStatusThatIsNotARegularExpression() {
        assertEquals(List.of(new Violation("policy.traffic.errorStatus", "must be a regular expression, e.g. \"5..\";"
                        + " \"5(..\" is not one (Unclosed group)")),
                violations(new TrafficSource(null, null, null, null, null, "5(..")));
    }

    @Test
    void shouldRefuseAMedianRatioBelowOneAndAnEvidenceWaitBelowOneMs() {
        Policy policy = new Policy(null, null, null, null, null, null, null, null, null, null, null, null, null, 0.9, 0L,
                null, null);

        assertEquals(List.of(
                new Violation("policy.maxMedianRatio", "must be at least 1, e.g. 1.5 for half again the baseline's median;"
                        + " was 0.9"),
                new Violation("policy.evidenceWaitMs", "must be at least 1 (ms), e.g. 120000 for two minutes; was 0")),
                RequestValidator.validate(request(policy)));
    }

    private static List<Violation> violations(TrafficSource source) {
        return RequestValidator.validate(request(Policy.defaults().withTraffic(source)));
    }

    private static DeployRequest request(Policy policy) {
        return new DeployRequest("e-1", 1, "d-1", "web", "v2", RunSpec.process(List.of("app"), Map.of()),
                List.of("host-1"), 1, policy, "test", T0);
    }
}
