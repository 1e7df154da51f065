package io.kanary.planner;

import io.kanary.kafka.Topics;
import io.kanary.metrics.MetricsHandler;
import io.kanary.metrics.ProcessMetrics;
import io.kanary.planner.http.PlannerApi;
import io.kanary.planner.http.LiveView;
import io.kanary.planner.kafka.PlannerLoop;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The planner: its Kafka loop (the state machine) and its HTTP API. */
public final class PlannerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerService.class);

    private final PlannerLoop loop;
    private final Vertx vertx;
    private final KafkaProducer<String, byte[]> apiProducer;
    private final PlannerApi api;
    private final KafkaClientMetrics apiProducerMetrics;

    private PlannerService(PlannerLoop loop, Vertx vertx, KafkaProducer<String, byte[]> apiProducer, PlannerApi api,
                           KafkaClientMetrics apiProducerMetrics) {
        this.loop = loop;
        this.vertx = vertx;
        this.apiProducer = apiProducer;
        this.api = api;
        this.apiProducerMetrics = apiProducerMetrics;
    }

    /** Rebuilds state from the topics, starts consuming and serves the API; returns when all of it runs. */
    public static PlannerService start(PlannerConfig config) {
        LiveView view = new LiveView();
        PlannerLoop loop = new PlannerLoop(config, view);
        loop.start();
        Map<String, Object> producerProps = new HashMap<>(config.kafka());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer());
        prefetchMetadata(producer);
        KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(config.meterRegistry());
        Vertx vertx = Vertx.vertx();
        PlannerApi api = new PlannerApi(view::get, producer, config.httpHost(), config.httpPort(), config.auth(),
                config.allowList())
                .withDecisions(loop.decisions(), loop.stopped());
        // A Prometheus registry is served here; any other (a test's, or one served elsewhere) is not.
        if (config.meterRegistry() instanceof PrometheusMeterRegistry prometheus) {
            api.withMetrics(new MetricsHandler(prometheus));
        }
        try {
            vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            loop.close();
            producerMetrics.close();
            producer.close(Duration.ofSeconds(5));
            vertx.close();
            throw new IllegalStateException("The planner's HTTP API could not listen on " + config.httpHost() + ":"
                    + config.httpPort() + ": " + e.getMessage(), e);
        }
        LOG.info("Planner API listening on http://{}:{}", config.httpHost(), api.actualPort());
        return new PlannerService(loop, vertx, producer, api, producerMetrics);
    }

    /**
     * Fetches the metadata of every topic the API writes before it serves, so the first request does
     * not wait for it; a topic whose metadata cannot be had now is fetched on its first send instead.
     */
    private static void prefetchMetadata(KafkaProducer<String, byte[]> producer) {
        for (var topic : List.of(Topics.DEPLOY_REQUESTS, Topics.ROLLBACK_COMMANDS, Topics.DEPLOY_CONTROLS)) {
            try {
                producer.partitionsFor(topic.name());
            } catch (RuntimeException e) {
                LOG.warn("No metadata for {} yet ({}); the API fetches it on its first send", topic.name(), e.getMessage());
            }
        }
    }

    /**
     * Completes when the planner's loop stops; exceptionally, with the reason, when it stopped by
     * itself (e.g. another planner took over). Whoever runs the planner watches this: a planner
     * whose loop stopped must not keep serving as if it were deciding.
     */
    public java.util.concurrent.CompletableFuture<Void> stopped() {
        return loop.stopped();
    }

    public int httpPort() {
        return api.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
        }
        apiProducerMetrics.close();
        apiProducer.close(Duration.ofSeconds(5));
        loop.close();
    }

    public static void main(String[] args) {
        ProcessMetrics metrics = ProcessMetrics.start();
        PlannerService service = start(PlannerConfig.fromEnv(System.getenv()).withMeterRegistry(metrics.registry()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            metrics.close();
        }, "kanary-planner-shutdown"));
        service.stopped().whenComplete((ok, error) -> {
            if (error != null) {
                LOG.error("The planner's loop stopped ({}); exiting so a supervisor restarts it", error.getMessage());
                System.exit(1);
            }
        });
    }
}
