package io.kanary.bench.broker;

import io.kanary.bench.TempDirs;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.detector.BreachDetector;
import io.kanary.detector.DetectorConfig;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Everything a broker-backed run needs, in this JVM: one {@link EmbeddedKafkaBroker} with kanary's
 * topics, the real breach-detector ({@link BreachDetector#start}, defaults but for a fresh state
 * directory and a unique application id), a producer writing deploy.events and health.probes with
 * the CloudEvents headers the planner and the health-watcher write, a {@link VerdictReader}, and an
 * admin client to see how far the detector has got.
 */
public final class BrokerRig implements AutoCloseable {
    /** The sources the planner and the health-watcher stamp on their records. */
    static final String PLANNER_SOURCE = "/kanary/planner";
    static final String HEALTH_WATCHER_SOURCE = "/kanary/health-watcher";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final EmbeddedKafkaBroker broker;
    private final Path stateDir;
    private final DetectorConfig config;
    private final BreachDetector detector;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;
    private final VerdictReader verdicts;

    private BrokerRig(EmbeddedKafkaBroker broker, Path stateDir, DetectorConfig config, BreachDetector detector,
                      KafkaProducer<byte[], byte[]> producer, Admin admin, VerdictReader verdicts) {
        this.broker = broker;
        this.stateDir = stateDir;
        this.config = config;
        this.detector = detector;
        this.producer = producer;
        this.admin = admin;
        this.verdicts = verdicts;
    }

    /** Starts the broker, creates the topics, starts the detector (RUNNING) and the clients. */
    public static BrokerRig start(Duration commitInterval) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path stateDir = null;
        BreachDetector detector = null;
        try {
            Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            TopicSetup.createTopics(kafka, 1, (short) 1);
            stateDir = tempDirectory();
            DetectorConfig defaults = DetectorConfig.defaults(kafka)
                    .withApplicationId("kanary-broker-bench-" + Ids.newId()).withStateDir(stateDir);
            DetectorConfig config = new DetectorConfig(defaults.kafka(), defaults.applicationId(), defaults.stateDir(),
                    commitInterval, defaults.bucketSize(), defaults.retention(), defaults.sketchRelativeAccuracy(),
                    defaults.startTimeout(), defaults.closeTimeout());
            detector = BreachDetector.start(config);
            return new BrokerRig(broker, stateDir, config, detector, producer(kafka), Admin.create(kafka),
                    new VerdictReader(kafka));
        } catch (RuntimeException e) {
            if (detector != null) {
                detector.close();
            }
            broker.close();
            if (stateDir != null) {
                TempDirs.delete(stateDir);
            }
            throw e;
        }
    }

    /** A fresh state directory: the detector must not find a previous run's stores. */
    private static Path tempDirectory() {
        return TempDirs.create("kanary-broker-bench");
    }

    /** Like the health-watcher's: acks=all, idempotent; no linger, so each probe leaves at once. */
    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kanary-broker-bench");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        // Fetch the metadata now, so that the first timed send does not wait for it.
        producer.partitionsFor(Topics.DEPLOY_EVENTS.name());
        producer.partitionsFor(Topics.HEALTH_PROBES.name());
        return producer;
    }

    public DetectorConfig config() {
        return config;
    }

    VerdictReader verdicts() {
        return verdicts;
    }

    Admin admin() {
        return admin;
    }

    /**
     * Publishes {@code started} as the planner does (keyed by service, caused by its request) and
     * returns once the detector has consumed it and committed, so the run's first probe meets it.
     */
    void startDeployment(DeploymentEvent.Started started) {
        RecordMetadata written = await(send(Topics.DEPLOY_EVENTS, started.service(), started, PLANNER_SOURCE,
                Ids.newId(), null), "deployment.started of " + started.service() + " to be written");
        awaitConsumed(Topics.DEPLOY_EVENTS.name(), written.offset() + 1);
    }

    /**
     * Publishes {@code probe} as the health-watcher does: keyed by service, caused by the host event
     * that made it probe the instance ({@code causationId}). Returns at once; the ack comes later.
     */
    SentProbe sendProbe(ProbeResult probe, String causationId) {
        CompletableFuture<SentProbe.Ack> ack = new CompletableFuture<>();
        long sentNanos = System.nanoTime();
        send(Topics.HEALTH_PROBES, probe.service(), probe, HEALTH_WATCHER_SOURCE, causationId, (metadata, error) -> {
            long ackNanos = System.nanoTime();
            if (error != null) {
                ack.completeExceptionally(error);
            } else {
                ack.complete(new SentProbe.Ack(ackNanos, metadata.offset()));
            }
        });
        return new SentProbe(probe, sentNanos, ack);
    }

    void flush() {
        producer.flush();
    }

    /** Returns once the detector's committed offset on {@code topic} (partition 0) reaches {@code offset}. */
    void awaitConsumed(String topic, long offset) {
        TopicPartition partition = new TopicPartition(topic, 0);
        Waits.until(() -> committedOffset(partition) >= offset, WAIT,
                "the breach-detector to consume and commit " + topic + " up to offset " + offset);
    }

    /** Records on {@code topic} (partition 0) so far: its end offset. */
    long endOffset(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the offsets of " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private long committedOffset(TopicPartition partition) {
        try {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(config.applicationId())
                    .partitionsToOffsetAndMetadata().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(partition);
            return committed == null ? 0 : committed.offset();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the detector's offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What {@code CloudEvents.record(topic, key, event, source, causationId)} makes, serialized by the topic's serdes. */
    private <T extends KanaryEvent> Future<RecordMetadata> send(Topic<String, T> topic, String key, T event,
                                                               String source, String causationId, Callback callback) {
        byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] value = topic.valueSerde().serializer().serialize(topic.name(), event);
        return producer.send(new ProducerRecord<>(topic.name(), null, keyBytes, value,
                CloudEvents.headers(event, source, causationId)), callback);
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("failed waiting for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    @Override
    public void close() {
        verdicts.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        detector.close();
        broker.close();
        TempDirs.delete(stateDir);
    }
}
