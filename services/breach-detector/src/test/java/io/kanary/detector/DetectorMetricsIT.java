package io.kanary.detector;

import static io.kanary.testkit.RawTopics.readToEnd;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A running detector's meters, as Prometheus scrapes them: its own, and the Kafka Streams job's. */
class DetectorMetricsIT {
    private static final Policy POLICY = new Policy(0.10, 500L, 10_000L, 5, null, null, null, null).withStartupGraceMs(0);

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldExposeTheRollbackAndTheStreamsMetricsInAPrometheusScrape(@TempDir Path stateDir) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DetectorConfig config = DetectorConfig.defaults(broker.kafka()).withApplicationId("breach-detector-metrics")
                .withStateDir(stateDir).withMeterRegistry(registry);

        try (BreachDetector detector = BreachDetector.start(config)) {
            RawTopics.write(broker.kafka(), Topics.HEALTH_PROBES.name(), "web", "not json {");
            breachingDeployment("web", "d-1");
            await().atMost(Duration.ofSeconds(90)).until(() -> rolledBack().contains("d-1"));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(List.of(
                    "kanary_breaches_total{service=\"web\",test=\"error_rate_vs_limit\"} 1.0",
                    // No probe of the baseline yet: the judgement sees no figure for it.
                    "kanary_detector_error_rate{role=\"baseline\",service=\"web\",version=\"v1\"} NaN",
                    "kanary_detector_error_rate{role=\"candidate\",service=\"web\",version=\"v2\"} 1.0",
                    // Every probe of v2 failed: no answer's latency to take a p99 of.
                    "kanary_detector_p99_seconds{role=\"baseline\",service=\"web\",version=\"v1\"} NaN",
                    "kanary_detector_p99_seconds{role=\"candidate\",service=\"web\",version=\"v2\"} NaN",
                    "kanary_dlq_records_total{consumer=\"breach-detector\",topic=\"health.probes\"} 1.0",
                    "kanary_rollback_decision_seconds_count 1",
                    "kanary_rollbacks_total{cause=\"breach\",service=\"web\",test=\"error_rate_vs_limit\"} 1.0"),
                    lines(registry.scrape(), List.of("kanary_breaches_total{", "kanary_detector_error_rate{",
                            "kanary_dlq_records_total{", "kanary_detector_p99_seconds{", "kanary_rollback_decision_seconds_count",
                            "kanary_rollbacks_total{"))));
            String scrape = registry.scrape();
            assertTrue(scrape.contains("kanary_detector_probes_judged_total{service=\"web\"} 8.0"), scrape);
            assertTrue(scrape.contains("kanary_rollback_decision_seconds_bucket{le="), "a histogram: " + scrape);
            assertTrue(scrape.contains("\nkafka_stream_thread_"), "the stream threads' metrics: " + scrape);
            assertTrue(scrape.contains("\nkafka_consumer_fetch_manager_records_lag_max{"), "the consumers' lag: " + scrape);
        }
        assertEquals(List.of(), lines(registry.scrape(), List.of("kafka_stream_")), "unbound when the detector stops");
    }

    /** The scrape's sample lines that start with one of {@code prefixes}, sorted. */
    private static List<String> lines(String scrape, List<String> prefixes) {
        return scrape.lines().filter(line -> prefixes.stream().anyMatch(line::startsWith)).sorted().toList();
    }

    /** A deployment of {@code service} whose new version fails every probe: the detector must roll it back. */
    private void breachingDeployment(String service, String deploymentId) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DeploymentEvent.Started started = new DeploymentEvent.Started("e-" + deploymentId, KanaryEvent.SCHEMA_VERSION,
                deploymentId, service, "v2", "v1", Map.of("host-1", "v1"), null, POLICY, List.of(List.of("host-1")),
                "test", now);
        RawTopics.write(broker.kafka(), Topics.DEPLOY_EVENTS.name(), service, Topics.DEPLOY_EVENTS.valueSerde().serializer()
                .serialize(Topics.DEPLOY_EVENTS.name(), started));
        for (int i = 1; i <= 8; i++) {
            ProbeResult probe = new ProbeResult(deploymentId + "-probe-" + i, KanaryEvent.SCHEMA_VERSION, service, "v2",
                    "host-1", "i-1", false, 503, 40, now.plusMillis(600L * (i - 1)), null);
            RawTopics.write(broker.kafka(), Topics.HEALTH_PROBES.name(), service, Topics.HEALTH_PROBES.valueSerde()
                    .serializer().serialize(Topics.HEALTH_PROBES.name(), probe));
        }
    }

    private List<String> rolledBack() {
        return readToEnd(broker.kafka(), Topics.ROLLBACK_COMMANDS.name()).stream()
                .map(r -> Topics.ROLLBACK_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value())
                        .deploymentId())
                .toList();
    }
}
