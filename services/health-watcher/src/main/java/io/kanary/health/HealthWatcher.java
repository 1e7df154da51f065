package io.kanary.health;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health-watcher: learns live instances from host.events, probes each one's health URL at its
 * deployment's probe interval and streams every outcome to health.probes.
 */
public final class HealthWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthWatcher.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String verticleId;
    private final ProbeResultPublisher publisher;
    private final ProbeShards verticle;
    private final InstanceFeed feed;
    private final KafkaClientMetrics clientMetrics;
    private final KafkaClientMetrics feedMetrics;
    /** Reads instances' request metrics into traffic.samples, on a verticle of its own. */
    private final Traffic traffic;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HealthWatcher(Vertx vertx, boolean ownsVertx, String verticleId, ProbeResultPublisher publisher,
                          ProbeShards verticle, InstanceFeed feed, KafkaClientMetrics clientMetrics,
                          KafkaClientMetrics feedMetrics, Traffic traffic) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.verticleId = verticleId;
        this.publisher = publisher;
        this.verticle = verticle;
        this.feed = feed;
        this.clientMetrics = clientMetrics;
        this.feedMetrics = feedMetrics;
        this.traffic = traffic;
    }

    /** Starts on a Vert.x instance of its own, closed with the watcher. */
    public static HealthWatcher start(HealthWatcherConfig config) {
        // An event loop per probe shard, and one more for the traffic scraper.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, config.probeLoops() + 1)));
        try {
            return start(config, vertx, true);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Starts on {@code vertx}, which the caller keeps and closes. */
    public static HealthWatcher start(HealthWatcherConfig config, Vertx vertx) {
        return start(config, vertx, false);
    }

    /** Returns once the verticle is deployed and the consumer is assigned to both topics. */
    private static HealthWatcher start(HealthWatcherConfig config, Vertx vertx, boolean ownsVertx) {
        ProbeResultPublisher publisher = ProbeResultPublisher.create(config.kafka());
        String verticleId = null;
        Traffic traffic = null;
        try {
            WatcherMetrics metrics = new WatcherMetrics(config.meterRegistry());
            ProbeShards verticle = ProbeShards.of(config, metrics.counting(publisher), metrics);
            metrics.watching(verticle::watchedInstances);
            verticleId = verticle.deploy(vertx).await(START_TIMEOUT);
            traffic = Traffic.start(config, vertx, metrics, START_TIMEOUT);
            InstanceFeed feed = InstanceFeed.start(config.kafka(), config.groupId(),
                    new FeedListeners(verticle, traffic.scraper()), START_TIMEOUT, metrics::deadLettered);
            KafkaClientMetrics clientMetrics = publisher.clientMetrics();
            clientMetrics.bindTo(config.meterRegistry());
            KafkaClientMetrics feedMetrics = feed.clientMetrics();
            feedMetrics.bindTo(config.meterRegistry());
            LOG.info("Health-watcher started (default probe interval {} ms, timeout {} ms, {} probe loops)",
                    config.defaultProbeIntervalMs(), config.probeTimeout().toMillis(), config.probeLoops());
            return new HealthWatcher(vertx, ownsVertx, verticleId, publisher, verticle, feed, clientMetrics, feedMetrics,
                    traffic);
        } catch (TimeoutException e) {
            publisher.close(Duration.ZERO);
            throw new IllegalStateException("The health-watcher's verticle did not deploy within " + START_TIMEOUT, e);
        } catch (RuntimeException e) {
            if (verticleId != null) {
                vertx.undeploy(verticleId);
            }
            if (traffic != null) {
                traffic.close(vertx, Duration.ZERO);
            }
            publisher.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Probes skipped so far because the previous probe of their instance was still waiting for its
     * answer: a slow instance yields fewer samples, each with its real latency, instead of failures.
     */
    public long skippedProbes() {
        return verticle.skippedProbes();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Stop the feed first, so no event reaches the verticle after it stopped probing.
        feed.close(CLOSE_TIMEOUT);
        try {
            vertx.undeploy(verticleId).await(CLOSE_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            LOG.warn("The health-watcher's verticle did not stop cleanly: {}", e.getMessage());
        }
        traffic.close(vertx, CLOSE_TIMEOUT);
        clientMetrics.close();
        feedMetrics.close();
        publisher.close(CLOSE_TIMEOUT);
        if (ownsVertx) {
            try {
                vertx.close().await(CLOSE_TIMEOUT);
            } catch (TimeoutException | RuntimeException e) {
                LOG.warn("Vert.x did not close within {}: {}", CLOSE_TIMEOUT, e.getMessage());
            }
        }
        LOG.info("Health-watcher stopped");
    }

    public static void main(String[] args) {
        io.kanary.metrics.ProcessMetrics metrics = io.kanary.metrics.ProcessMetrics.start();
        HealthWatcher watcher = start(HealthWatcherConfig.fromEnv(System.getenv()).withMeterRegistry(metrics.registry()));
        io.kanary.metrics.StandaloneMetrics.serve("health-watcher", watcher, metrics, System.getenv());
    }
}
