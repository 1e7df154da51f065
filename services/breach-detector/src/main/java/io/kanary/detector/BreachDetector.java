package io.kanary.detector;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The breach-detector service: runs {@link BreachTopology} as an exactly-once Kafka Streams job. */
public final class BreachDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BreachDetector.class);

    private final KafkaStreams streams;
    private final DetectorConfig config;
    private final KafkaStreamsMetrics streamsMetrics;

    private BreachDetector(KafkaStreams streams, DetectorConfig config, KafkaStreamsMetrics streamsMetrics) {
        this.streams = streams;
        this.config = config;
        this.streamsMetrics = streamsMetrics;
    }

    /** Starts the job and returns once it is RUNNING, or throws after {@link DetectorConfig#startTimeout()}. */
    public static BreachDetector start(DetectorConfig config) {
        int partitions = InputPartitions.check(config.kafka(), config.startTimeout());
        KafkaStreams streams = new KafkaStreams(BreachTopology.build(config), config.streamsProperties());
        CompletableFuture<Void> running = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            LOG.debug("breach-detector {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.complete(null);
            } else if (!now.isRunningOrRebalancing()) {
                running.completeExceptionally(new IllegalStateException("the Streams job went " + now));
            }
        });
        // A failed thread aborts its transaction; a new one resumes from the last commit, so nothing is lost or doubled.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("A breach-detector stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        try {
            running.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            streams.close(config.closeTimeout());
            throw new IllegalStateException("The breach-detector did not start within " + config.startTimeout()
                    + " against Kafka at " + config.kafka().get("bootstrap.servers")
                    + " (are the topics created?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            streams.close(config.closeTimeout());
            throw new IllegalStateException("Interrupted while starting the breach-detector", e);
        }
        LOG.info("breach-detector running as {} against {} ({} partitions of each input)", config.applicationId(),
                config.kafka().get("bootstrap.servers"), partitions);
        // Bound once RUNNING, when the stream threads, their clients and tasks have their metrics:
        // kafka_stream_*, and the embedded clients' kafka_consumer_* and kafka_producer_* (lag included).
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(config.meterRegistry());
        return new BreachDetector(streams, config, streamsMetrics);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        // First, so that no refresh reads the metrics of a closing client; it removes its meters.
        streamsMetrics.close();
        if (!streams.close(config.closeTimeout())) {
            LOG.warn("The breach-detector did not stop within {}", config.closeTimeout());
        }
    }

    public static void main(String[] args) {
        BreachDetector detector = start(DetectorConfig.fromEnv(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(detector::close, "breach-detector-shutdown"));
    }
}
