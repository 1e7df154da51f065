package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The notifier's meters as Prometheus scrapes them: the names and labels dashboards and rules rely on. */
class NotifierMetricsTest {

    @Test
    void shouldExposeTheContractsNamesAndLabels() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NotifierMetrics metrics = new NotifierMetrics(registry);

        metrics.delivery(NotifierMetrics.WEBHOOK, NotifierMetrics.DELIVERED);
        metrics.delivery(NotifierMetrics.ALERTMANAGER, NotifierMetrics.RETRIED);
        metrics.delivery(NotifierMetrics.WEBHOOK, NotifierMetrics.DEAD_LETTERED);
        metrics.deliveryTime(NotifierMetrics.WEBHOOK, Duration.ofMillis(250));
        metrics.deadLettered("breaches");
        String scrape = registry.scrape();

        assertTrue(scrape.contains("kanary_notifier_deliveries_total{outcome=\"delivered\",target=\"webhook\"} 1.0"), scrape);
        assertTrue(scrape.contains("kanary_notifier_deliveries_total{outcome=\"retried\",target=\"alertmanager\"} 1.0"), scrape);
        assertTrue(scrape.contains("kanary_notifier_deliveries_total{outcome=\"dead_lettered\",target=\"webhook\"} 1.0"), scrape);
        assertTrue(scrape.contains("kanary_notifier_delivery_seconds_count{target=\"webhook\"} 1"), scrape);
        assertTrue(scrape.contains("kanary_notifier_delivery_seconds_sum{target=\"webhook\"} 0.25"), scrape);
        assertTrue(scrape.contains("kanary_dlq_records_total{consumer=\"notifier\",topic=\"breaches\"} 1.0"), scrape);
    }
}
