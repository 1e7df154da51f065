package io.kanary.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topics;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Webhooks on a real broker and real HTTP servers: retries, the DLQ, one target not waiting for another, duplicates. */
class WebhookDeliveryIT {
    private static final Duration AWAIT = Duration.ofSeconds(60);
    /** Short waits between tries, so a test sees every try; the back-off itself is the unit tests' business. */
    private static final RetrySettings FAST = RetrySettings.DEFAULTS.withMaxAttempts(3)
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    private NotifierConfig config(TestReceiver... receivers) {
        return NotifierConfig.defaults(broker.kafka()).withRetry(FAST)
                .withWebhooks(java.util.Arrays.stream(receivers).map(r -> r.url("/hook")).toList(), WebhookFormat.CLOUDEVENTS);
    }

    @Test
    void shouldDeliverOnceAfterTwo503sWithTheSameCeId() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestReceiver receiver = TestReceiver.answering(List.of(503, 503), 200);
             Notifier notifier = Notifier.start(config(receiver).withMeterRegistry(registry))) {
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-1", "web-1"), "/kanary/breach-detector");

            // The receiver answers before the notifier has read the answer and counted the delivery.
            await().atMost(AWAIT).until(() -> registry.counter("kanary.notifier.deliveries", "target", "webhook",
                    "outcome", "delivered").count() >= 1.0);

            assertEquals(List.of(503, 503, 200), receiver.requests().stream().map(TestReceiver.Request::answered).toList());
            assertEquals(List.of("breach-1", "breach-1", "breach-1"),
                    receiver.requests().stream().map(r -> r.header("ce-id")).toList());
            assertEquals("kanary.breach.detected.v1", receiver.requests().get(2).header("ce-type"));
            assertEquals("breach-1", receiver.requests().get(2).header("Idempotency-Key"));
            assertEquals(1.0, registry.counter("kanary.notifier.deliveries", "target", "webhook", "outcome", "delivered").count());
            assertEquals(2.0, registry.counter("kanary.notifier.deliveries", "target", "webhook", "outcome", "retried").count());
            assertEquals(List.of(), RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ));
        }
    }

    @Test
    void shouldDeadLetterAfterTheLastTryWhileTheOtherTargetGetsTheEvent() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestReceiver failing = TestReceiver.always(500);
             TestReceiver healthy = TestReceiver.always(200);
             Notifier notifier = Notifier.start(config(failing, healthy).withMeterRegistry(registry))) {
            Publish.event(broker.kafka(), Topics.DEPLOY_EVENTS, Events.rolledBack("event-9", "web-1"), "/kanary/planner");

            await().atMost(AWAIT).until(() -> !RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ).isEmpty());

            List<ConsumerRecord<byte[], byte[]>> letters = RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ);
            assertEquals(1, letters.size());
            assertEquals(failing.url("/hook").toString(), RawTopics.header(letters.get(0), DeadLetterSink.TARGET));
            assertEquals(failing.url("/hook") + " answered HTTP 500 on the last of its tries",
                    RawTopics.header(letters.get(0), DeadLetters.REASON));
            assertEquals("deploy.events", RawTopics.header(letters.get(0), DeadLetters.TOPIC));
            assertEquals("notifier", RawTopics.header(letters.get(0), DeadLetters.CONSUMER));
            assertEquals(3, failing.requests().size());
            await().atMost(AWAIT).until(() -> healthy.requests().size() == 1);
            assertEquals("event-9", healthy.requests().get(0).header("ce-id"));
            // Counted once the dead letter's send returns, which may be a moment after it is readable.
            await().atMost(AWAIT).until(() -> registry.counter("kanary.notifier.deliveries", "target", "webhook",
                    "outcome", "dead_lettered").count() >= 1.0);
            assertEquals(1.0, registry.counter("kanary.notifier.deliveries", "target", "webhook", "outcome", "dead_lettered").count());
            assertEquals(1.0, registry.counter("kanary.dlq.records", "topic", "deploy.events", "consumer", "notifier").count());
        }
    }

    @Test
    void shouldNotDeadLetterA400TwiceButOnce() throws Exception {
        try (TestReceiver refusing = TestReceiver.always(400);
             Notifier notifier = Notifier.start(config(refusing))) {
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-4", "web-1"), "/kanary/breach-detector");

            await().atMost(AWAIT).until(() -> !RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ).isEmpty());

            assertEquals(1, refusing.requests().size());
            assertEquals(refusing.url("/hook") + " answered HTTP 400, which is not worth another try", RawTopics.header(
                    RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ).get(0), DeadLetters.REASON));
        }
    }

    @Test
    void shouldSendTheSameCeIdForAnEventReadTwice() throws Exception {
        try (TestReceiver receiver = TestReceiver.always(200);
             Notifier notifier = Notifier.start(config(receiver))) {
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-2", "web-1"), "/kanary/breach-detector");
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-2", "web-1"), "/kanary/breach-detector");

            await().atMost(AWAIT).until(() -> receiver.requests().size() == 2);

            assertEquals(List.of("breach-2", "breach-2"), receiver.requests().stream().map(r -> r.header("ce-id")).toList());
            assertEquals(List.of("breach-2", "breach-2"),
                    receiver.requests().stream().map(r -> r.header("Idempotency-Key")).toList());
        }
    }

    @Test
    void shouldDeadLetterAnUnreadableRecordAndGoOn() throws Exception {
        try (TestReceiver receiver = TestReceiver.always(200);
             Notifier notifier = Notifier.start(config(receiver))) {
            RawTopics.write(broker.kafka(), Topics.BREACHES.name(), "web", "{\"type\": \"breach.detected\", \"eventId\": ");
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-3", "web-1"), "/kanary/breach-detector");

            await().atMost(AWAIT).until(() -> receiver.requests().size() == 1);

            assertEquals("breach-3", receiver.requests().get(0).header("ce-id"));
            List<ConsumerRecord<byte[], byte[]>> letters = RawTopics.readToEnd(broker.kafka(), "breaches.dlq");
            assertEquals(1, letters.size());
            assertEquals("notifier", RawTopics.header(letters.get(0), DeadLetters.CONSUMER));
        }
    }

    @Test
    void shouldSendASlackMessageWithTheReasonSentence() throws Exception {
        try (TestReceiver receiver = TestReceiver.always(200);
             Notifier notifier = Notifier.start(config(receiver).withWebhooks(List.of(receiver.url("/slack")),
                     WebhookFormat.SLACK))) {
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-5", "web-1"), "/kanary/breach-detector");

            await().atMost(AWAIT).until(() -> receiver.requests().size() == 1);

            assertEquals("{\"text\":\"kanary: web-1 (web) " + Events.BREACH_SENTENCE
                    + "; explain it with: kanary audit --deployment web-1\"}", receiver.requests().get(0).body());
        }
    }
}
