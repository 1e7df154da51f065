package io.kanary.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The notifier's meters: {@code kanary_notifier_deliveries_total{target, outcome}},
 * {@code kanary_notifier_delivery_seconds{target}} and, for what it dead-letters,
 * {@code kanary_dlq_records_total{topic, consumer="notifier"}}. {@code target} is the kind
 * (alertmanager, webhook), never a URL: the label's values stay few.
 */
final class NotifierMetrics {
    static final String ALERTMANAGER = "alertmanager";
    static final String WEBHOOK = "webhook";
    static final String DELIVERED = "delivered";
    static final String RETRIED = "retried";
    static final String DEAD_LETTERED = "dead_lettered";

    private final MeterRegistry registry;

    NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void delivery(String target, String outcome) {
        Counter.builder("kanary.notifier.deliveries").description("Notifications by target kind and outcome")
                .tag("target", target).tag("outcome", outcome).register(registry).increment();
    }

    /** The time from a delivery's first try to its outcome (delivered or dead-lettered), waits between tries included. */
    void deliveryTime(String target, Duration elapsed) {
        Timer.builder("kanary.notifier.delivery").description("From a notification's first try to its outcome")
                .tag("target", target).register(registry).record(elapsed);
    }

    void deadLettered(String topic) {
        Counter.builder("kanary.dlq.records").description("Records sent to a dead-letter topic")
                .tag("topic", topic).tag("consumer", Notifier.CONSUMER).register(registry).increment();
    }
}
