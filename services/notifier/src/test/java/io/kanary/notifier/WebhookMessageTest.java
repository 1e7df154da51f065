package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookMessageTest {

    @Test
    void shouldCarryTheCloudEventAttributesAsHeadersInBinaryMode() {
        Notification notification = Events.breachNotification(Events.breach("b-1", "web-1a2b"));
        String time = CloudEvents.header(notification.record(), CloudEvents.TIME).orElseThrow();

        WebhookMessage message = WebhookMessage.cloudEvent(notification);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("ce-specversion", "1.0");
        expected.put("ce-id", "b-1");
        expected.put("ce-source", "/kanary/breach-detector");
        expected.put("ce-type", "kanary.breach.detected.v1");
        expected.put("ce-time", time);
        expected.put("ce-subject", "web-1a2b");
        expected.put("Content-Type", "application/json");
        expected.put("Idempotency-Key", "b-1");
        assertEquals(expected, message.headers());
        assertArrayEquals(notification.record().value(), message.body());
    }

    @Test
    void shouldNameTheDeploymentEventsTypeAndSubject() {
        DeploymentEvent.RolledBack event = Events.rolledBack("e-9", "web-1a2b");
        Notification notification = new Notification(event, Events.record(Topics.DEPLOY_EVENTS, event, "/kanary/planner"));

        WebhookMessage message = WebhookMessage.cloudEvent(notification);

        assertEquals("kanary.deployment.rolled-back.v1", message.headers().get("ce-type"));
        assertEquals("e-9", message.headers().get("ce-id"));
        assertEquals("/kanary/planner", message.headers().get("ce-source"));
        assertEquals("web-1a2b", message.headers().get("ce-subject"));
    }

    @Test
    void shouldSayTheReasonSentenceInASlackMessage() throws Exception {
        Notification notification = Events.breachNotification(Events.breach("b-1", "web-1a2b"));

        WebhookMessage message = WebhookMessage.slack(notification);

        assertEquals(Map.of("text", "kanary: web-1a2b (web) " + Events.BREACH_SENTENCE
                        + "; explain it with: kanary audit --deployment web-1a2b"),
                Json.mapper().readValue(message.body(), Map.class));
        assertEquals(Map.of("Content-Type", "application/json", "Idempotency-Key", "b-1"), message.headers());
    }

    @Test
    void shouldSendTheSameIdForTheSameEventReadTwice() {
        Notification first = Events.breachNotification(Events.breach("b-1", "web-1a2b"));
        Notification again = Events.breachNotification(Events.breach("b-1", "web-1a2b"));

        assertEquals(WebhookMessage.cloudEvent(first).headers().get("ce-id"),
                WebhookMessage.cloudEvent(again).headers().get("ce-id"));
    }
}
