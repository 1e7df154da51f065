package io.kanary.notifier;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;

/** The events the notifier's tests feed it, with literal values. */
final class Events {
    static final Instant DETECTED = Instant.parse("2026-12-02T05:10:00Z");
    static final String BREACH_SENTENCE = "BREACH v2 error rate 31.0% > limit 10.0% over 3s (mSPRT error rate > limit: "
            + "log-LR 9.1 ≥ 8.3; 42 probes; baseline v1 0.8% of 40)";

    private Events() {
    }

    static Breach breach(String eventId, String deploymentId) {
        return breachAt(eventId, deploymentId, DETECTED);
    }

    static Breach breachAt(String eventId, String deploymentId, Instant detectedAt) {
        return new Breach(eventId, 1, deploymentId, "web", "v2", "v1", Breach.ERROR_RATE, 0.31, 0.10, 0.008, 3_000, 42,
                40, detectedAt.minusSeconds(3), detectedAt, "mSPRT error rate > limit", 9.1, 8.3);
    }

    static DeploymentEvent.Started started(String eventId, String deploymentId) {
        return new DeploymentEvent.Started(eventId, 1, deploymentId, "web", "v2", "v1", java.util.Map.of("host-1", "v1"),
                null, null, List.of(List.of("host-1")), "alice", DETECTED.minusSeconds(60));
    }

    static DeploymentEvent.RolledBack rolledBack(String eventId, String deploymentId) {
        return new DeploymentEvent.RolledBack(eventId, 1, deploymentId, "web", List.of("host-1"), DETECTED.plusSeconds(5));
    }

    static DeploymentEvent.BatchStarted batchStarted(String eventId, String deploymentId) {
        return new DeploymentEvent.BatchStarted(eventId, 1, deploymentId, "web", 0, List.of("host-1"),
                DETECTED.minusSeconds(50));
    }

    /** The record a consumer reads for {@code event} on {@code topic}, with the headers its emitter writes. */
    @SuppressWarnings("unchecked")
    static <T extends KanaryEvent> ConsumerRecord<byte[], byte[]> record(Topic<String, ? super T> topic, T event,
                                                                       String source) {
        byte[] value = ((Topic<String, T>) topic).valueSerde().serializer().serialize(topic.name(), event);
        Headers headers = CloudEvents.headers(event, source, null);
        return new ConsumerRecord<>(topic.name(), 0, 7, DETECTED.toEpochMilli(), TimestampType.CREATE_TIME,
                value.length == 0 ? 0 : 3, value.length, "web".getBytes(), value, headers, Optional.empty());
    }

    static Notification breachNotification(Breach breach) {
        return new Notification(breach, record(Topics.BREACHES, breach, "/kanary/breach-detector"));
    }
}
