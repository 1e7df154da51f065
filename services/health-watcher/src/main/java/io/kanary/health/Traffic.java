package io.kanary.health;

import io.kanary.health.traffic.TrafficSamplePublisher;
import io.kanary.health.traffic.TrafficScraper;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watcher's traffic side: the scraper's verticle and the producer of its samples, started and closed together. */
final class Traffic {
    private static final Logger LOG = LoggerFactory.getLogger(Traffic.class);

    private final TrafficScraper scraper;
    private final String verticleId;
    private final TrafficSamplePublisher publisher;
    private final KafkaClientMetrics clientMetrics;

    private Traffic(TrafficScraper scraper, String verticleId, TrafficSamplePublisher publisher,
                    KafkaClientMetrics clientMetrics) {
        this.scraper = scraper;
        this.verticleId = verticleId;
        this.publisher = publisher;
        this.clientMetrics = clientMetrics;
    }

    static Traffic start(HealthWatcherConfig config, Vertx vertx, WatcherMetrics metrics, Duration timeout)
            throws TimeoutException {
        TrafficSamplePublisher publisher = TrafficSamplePublisher.create(config.kafka());
        try {
            // A read waits no longer than a probe: an instance slower than that is the probes' to judge.
            TrafficScraper scraper = new TrafficScraper(publisher, metrics::trafficScraped, config.probeTimeout());
            String id = vertx.deployVerticle(scraper).await(timeout);
            KafkaClientMetrics clientMetrics = publisher.clientMetrics();
            clientMetrics.bindTo(config.meterRegistry());
            return new Traffic(scraper, id, publisher, clientMetrics);
        } catch (TimeoutException | RuntimeException e) {
            publisher.close(Duration.ZERO);
            throw e;
        }
    }

    TrafficScraper scraper() {
        return scraper;
    }

    void close(Vertx vertx, Duration timeout) {
        try {
            vertx.undeploy(verticleId).await(timeout.isZero() ? Duration.ofSeconds(1) : timeout);
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("The health-watcher's traffic scraper did not stop cleanly: {}", e.getMessage());
        }
        clientMetrics.close();
        publisher.close(timeout);
    }
}
