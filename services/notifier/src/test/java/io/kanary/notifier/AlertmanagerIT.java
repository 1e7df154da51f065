package io.kanary.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.testkit.BrokerWithTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against Debian's real Alertmanager, whose webhook receiver is a test HTTP server:
 * what arrives there is what an on-call person's pager would get.
 */
class AlertmanagerIT {
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @TempDir
    Path dir;

    @Test
    void shouldAlertOnABreachWithItsReasonAndResolveWhenTheDeploymentEnds() throws Exception {
        AlertmanagerProcess.require();
        try (TestReceiver pager = TestReceiver.always(200);
             AlertmanagerProcess alertmanager = AlertmanagerProcess.start(dir, pager.url("/alerts"), Duration.ofMinutes(5));
             Notifier notifier = Notifier.start(NotifierConfig.defaults(broker.kafka()).withAlertmanager(alertmanager.url()))) {
            Publish.event(broker.kafka(), Topics.DEPLOY_EVENTS, Events.started("event-1", "web-1a2b"), "/kanary/planner");
            long written = System.nanoTime();
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breachAt("breach-1", "web-1a2b", Instant.now()),
                    "/kanary/breach-detector");

            JsonNode firing = await().atMost(AWAIT).until(() -> notification(pager, "firing"), n -> n != null);
            // A figure, not an assertion: Alertmanager's group_wait (1 s here) is most of it.
            System.out.printf("breach written -> Alertmanager's receiver notified: %d ms%n",
                    (System.nanoTime() - written) / 1_000_000);

            JsonNode alert = firing.get("alerts").get(0);
            assertEquals(Map.of("alertname", "KanaryBreach", "service", "web", "version", "v2", "deployment", "web-1a2b",
                    "severity", "critical"), Json.mapper().convertValue(alert.get("labels"), Map.class));
            assertEquals(Events.BREACH_SENTENCE, alert.get("annotations").get("summary").asText());
            assertEquals("kanary audit --deployment web-1a2b", alert.get("annotations").get("audit").asText());

            Publish.event(broker.kafka(), Topics.DEPLOY_EVENTS, Events.rolledBack("event-9", "web-1a2b"), "/kanary/planner");

            JsonNode resolved = await().atMost(AWAIT).until(() -> notification(pager, "resolved"), n -> n != null);
            assertEquals("web-1a2b", resolved.get("alerts").get(0).get("labels").get("deployment").asText());
            assertEquals("resolved", resolved.get("alerts").get(0).get("status").asText());
            assertEquals("rolled back: host-1 back on their previous version",
                    resolved.get("alerts").get(0).get("annotations").get("resolution").asText());
        }
    }

    /**
     * Alertmanager resolves an alert nobody repeats within its resolve_timeout: a restarted notifier
     * rebuilds the firing alerts from the topics and keeps sending them, so the alert fires on past
     * that timeout until its deployment really ends.
     */
    @Test
    void shouldKeepTheAlertFiringAcrossARestartUntilTheDeploymentEnds() throws Exception {
        AlertmanagerProcess.require();
        // Long enough that a restart on a loaded machine fits well inside it.
        Duration resolveTimeout = Duration.ofSeconds(15);
        NotifierConfig config = NotifierConfig.defaults(broker.kafka()).withAlertResend(Duration.ofSeconds(1));
        try (TestReceiver pager = TestReceiver.always(200);
             AlertmanagerProcess alertmanager = AlertmanagerProcess.start(dir, pager.url("/alerts"), resolveTimeout)) {
            NotifierConfig withAlertmanager = config.withAlertmanager(alertmanager.url());
            try (Notifier first = Notifier.start(withAlertmanager)) {
                Publish.event(broker.kafka(), Topics.BREACHES, Events.breachAt("breach-1", "web-1a2b", Instant.now()),
                        "/kanary/breach-detector");
                await().atMost(AWAIT).until(() -> notification(pager, "firing"), n -> n != null);
            }
            try (Notifier restarted = Notifier.start(withAlertmanager)) {
                // Past the resolve_timeout without a resolution: only the restarted notifier's re-sends keep it firing.
                await().during(resolveTimeout.plusSeconds(10)).atMost(AWAIT)
                        .until(() -> notification(pager, "resolved") == null);

                Publish.event(broker.kafka(), Topics.DEPLOY_EVENTS, Events.rolledBack("event-9", "web-1a2b"),
                        "/kanary/planner");

                JsonNode resolved = await().atMost(AWAIT).until(() -> notification(pager, "resolved"), n -> n != null);
                assertEquals("rolled back: host-1 back on their previous version",
                        resolved.get("alerts").get(0).get("annotations").get("resolution").asText());
            }
        }
    }

    /** The first notification Alertmanager sent with this status, or null. */
    private static JsonNode notification(TestReceiver pager, String status) throws Exception {
        List<TestReceiver.Request> requests = pager.requests();
        for (TestReceiver.Request request : requests) {
            JsonNode body = Json.mapper().readTree(request.body());
            if (status.equals(body.get("status").asText())) {
                return body;
            }
        }
        return null;
    }
}
