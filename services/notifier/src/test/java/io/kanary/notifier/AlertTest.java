package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTest {
    private static final Instant ENDED = Instant.parse("2026-12-02T05:10:07Z");

    @Test
    void shouldLabelAFiringAlertWithTheBreachesServiceVersionAndDeployment() {
        Alert alert = Alert.firing(Events.breach("b-1", "web-1a2b"));

        assertEquals(Map.of("alertname", "KanaryBreach", "service", "web", "version", "v2", "deployment", "web-1a2b",
                "severity", "critical"), alert.labels());
        assertEquals(Map.of("summary", Events.BREACH_SENTENCE,
                "description", "kanary: web-1a2b (web) " + Events.BREACH_SENTENCE
                        + "; explain it with: kanary audit --deployment web-1a2b",
                "audit", "kanary audit --deployment web-1a2b"), alert.annotations());
        assertEquals(Events.DETECTED, alert.startsAt());
        assertNull(alert.endsAt());
    }

    @Test
    void shouldResolveWithTheSameLabelsAndAnEnd() {
        Alert firing = Alert.firing(Events.breach("b-1", "web-1a2b"));

        Alert resolved = firing.resolved(ENDED, "rolled back: host-1 back on their previous version");

        assertEquals(firing.labels(), resolved.labels());
        assertEquals(ENDED, resolved.endsAt());
        assertEquals("rolled back: host-1 back on their previous version", resolved.annotations().get("resolution"));
    }

    @Test
    void shouldNeverEndBeforeItStarted() {
        Alert firing = Alert.firing(Events.breach("b-1", "web-1a2b"));

        assertEquals(Events.DETECTED, firing.resolved(Events.DETECTED.minusSeconds(30), "ended").endsAt());
    }

    @Test
    void shouldWriteTheBodyAlertmanagersApiTakes() throws Exception {
        Alert firing = Alert.firing(Events.breach("b-1", "web-1a2b"));

        JsonNode body = Json.mapper().readTree(Alert.body(List.of(firing, firing.resolved(ENDED, "ended"))));

        assertEquals(2, body.size());
        assertEquals("KanaryBreach", body.get(0).get("labels").get("alertname").asText());
        assertEquals(Events.BREACH_SENTENCE, body.get(0).get("annotations").get("summary").asText());
        assertEquals("2026-12-02T05:10:00Z", body.get(0).get("startsAt").asText());
        assertTrue(body.get(0).path("endsAt").isMissingNode());
        assertEquals("2026-12-02T05:10:07Z", body.get(1).get("endsAt").asText());
    }

    @Test
    void shouldPostToTheAlertsEndpointOfTheBaseUrl() {
        assertEquals(URI.create("http://am:9093/api/v2/alerts"),
                AlertmanagerTarget.alertsEndpoint(URI.create("http://am:9093/")));
        assertEquals(URI.create("http://proxy/am/api/v2/alerts"),
                AlertmanagerTarget.alertsEndpoint(URI.create("http://proxy/am/api/v2/alerts")));
    }
}
