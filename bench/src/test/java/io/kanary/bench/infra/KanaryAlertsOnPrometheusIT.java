package io.kanary.bench.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.metrics.MetricsServer;
import io.kanary.metrics.ProcessMetrics;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus runs infra/prometheus as shipped against a real kanary /metrics endpoint
 * ({@link ProcessMetrics} served by {@link MetricsServer}): every rule evaluates without error, and
 * a service's very first dead letter, a counter Micrometer creates at 1, raises KanaryDeadLettersGrowing.
 */
class KanaryAlertsOnPrometheusIT {
    @Test
    void shouldEvaluateEveryRuleAndAlertOnAServicesFirstDeadLetter(@TempDir Path dir) throws Exception {
        try (ProcessMetrics metrics = ProcessMetrics.start();
             MetricsServer server = MetricsServer.start(metrics.registry(), "127.0.0.1", 0);
             LivePrometheus prometheus = LivePrometheus.start(dir, "127.0.0.1:" + server.port())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> prometheus.query("up{job=\"kanary\"} == 1").size() == 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> ruleHealth(prometheus).values().stream()
                    .noneMatch("unknown"::equals));
            assertEquals(Map.of("KanaryConsumerLagGrowing", "ok", "KanaryConsumerLagHigh", "ok", "KanaryDeadLettersGrowing", "ok",
                    "KanaryExecutorSilent", "ok", "KanaryRollbacks", "ok", "KanaryRolloutPastDeadline", "ok",
                    "KanaryTargetDown", "ok"), ruleHealth(prometheus), prometheus.log());
            assertEquals(List.of(), alerts(prometheus));

            // As the executor does when it refuses its first host command: the counter comes into being at 1.
            Counter.builder("kanary.dlq.records").tag("topic", "host.commands").tag("consumer", "executor")
                    .register(metrics.registry()).increment();

            await().atMost(Duration.ofSeconds(60)).until(() -> !alerts(prometheus).isEmpty());
            assertEquals(List.of("KanaryDeadLettersGrowing firing consumer=executor topic=host.commands severity=warning"),
                    alerts(prometheus));
        }
    }

    private static Map<String, String> ruleHealth(LivePrometheus prometheus) {
        Map<String, String> health = new TreeMap<>();
        for (JsonNode group : prometheus.api("rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                health.put(rule.path("name").asText(), rule.path("health").asText()
                        + (rule.hasNonNull("lastError") && !rule.path("lastError").asText().isEmpty()
                        ? ": " + rule.path("lastError").asText() : ""));
            }
        }
        return health;
    }

    /** Each alert as "name state label=value ..." (alertname and severity aside, labels sorted). */
    private static List<String> alerts(LivePrometheus prometheus) {
        List<String> out = new ArrayList<>();
        for (JsonNode alert : prometheus.api("alerts").path("alerts")) {
            Map<String, String> labels = new TreeMap<>();
            alert.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            StringBuilder line = new StringBuilder(labels.remove("alertname")).append(' ').append(alert.path("state").asText());
            String severity = labels.remove("severity");
            labels.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            out.add(line.append(" severity=").append(severity).toString());
        }
        return out;
    }
}
