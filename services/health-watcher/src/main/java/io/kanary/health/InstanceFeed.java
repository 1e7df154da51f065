package io.kanary.health;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads host.events and deploy.events from offset 0 on a thread of its own (a Kafka consumer
 * blocks; an event loop must not), so a restart rebuilds the set of live instances. Partitions are
 * assigned by hand: every watcher reads everything.
 *
 * <p>No record stops it. A host event that is not one the watcher can act on goes to
 * host.events.dlq, signed {@code kanary_dlq_consumer: health-watcher}, once: after each dead letter
 * the watcher commits the offset past it to its consumer group, and what lies below the committed
 * offset at the next start is history it already judged, skipped with a log line. A bad
 * deploy.events record is skipped with a log line: that topic's DLQ is the breach-detector's.
 */
final class InstanceFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceFeed.class);
    /** The name the watcher signs its dead letters with. */
    static final String CONSUMER = "health-watcher";
    private static final EventReader<HostEvent> HOST_EVENTS = EventReader.of(Topics.HOST_EVENTS);
    private static final EventReader<DeploymentEvent> DEPLOY_EVENTS = EventReader.of(Topics.DEPLOY_EVENTS);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Duration DLQ_TIMEOUT = Duration.ofSeconds(10);

    /** Where decoded events go; called on the feed's thread. */
    interface Listener {
        /** @param causationId the event's ce_id, which probes of its instance name as their cause */
        void onHostEvent(HostEvent event, String causationId);

        void onDeploymentStarted(DeploymentEvent.Started started);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
    private final Listener listener;
    private final Thread thread;
    /** Per host.events partition, the offset below which records were judged before: not dead-lettered again. */
    private final Map<TopicPartition, Long> judgedBefore;
    private volatile boolean running = true;
    /** Told the topic of each record it dead-lettered; set before the thread starts. */
    private java.util.function.Consumer<String> onDeadLettered = topic -> { };

    private InstanceFeed(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetters, Listener listener,
                         Map<TopicPartition, Long> judgedBefore) {
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.judgedBefore = new HashMap<>(judgedBefore);
        this.thread = new Thread(this::run, "kanary-health-watcher-feed");
    }

    /** Returns once the consumer is assigned and positioned at the start of both topics. */
    static InstanceFeed start(Map<String, Object> kafka, String groupId, Listener listener, Duration timeout) {
        return start(kafka, groupId, listener, timeout, topic -> { });
    }

    /** As {@link #start(Map, String, Listener, Duration)}, telling {@code onDeadLettered} of each dead letter written. */
    static InstanceFeed start(Map<String, Object> kafka, String groupId, Listener listener, Duration timeout,
                              java.util.function.Consumer<String> onDeadLettered) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka, groupId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> deadLetters = null;
        Map<TopicPartition, Long> judgedBefore = new HashMap<>();
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            List<TopicPartition> hostEvents = partitionsOf(consumer, Topics.HOST_EVENTS.name(), timeout);
            partitions.addAll(hostEvents);
            partitions.addAll(partitionsOf(consumer, Topics.DEPLOY_EVENTS.name(), timeout));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(p -> consumer.position(p, timeout));
            consumer.committed(Set.copyOf(hostEvents), timeout).forEach((partition, offset) -> {
                if (offset != null) {
                    judgedBefore.put(partition, offset.offset());
                }
            });
            deadLetters = new KafkaProducer<>(dlqProps(kafka), new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            if (deadLetters != null) {
                deadLetters.close(Duration.ZERO);
            }
            throw e;
        }
        InstanceFeed feed = new InstanceFeed(consumer, deadLetters, listener, judgedBefore);
        feed.onDeadLettered = onDeadLettered;
        feed.thread.start();
        return feed;
    }

    private static List<TopicPartition> partitionsOf(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; create kanary's topics first");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private static Map<String, Object> consumerProps(Map<String, Object> kafka, String groupId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-feed");
        return props;
    }

    private static Map<String, Object> dlqProps(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kanary-health-watcher-dlq");
        return props;
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        handle(record);
                    }
                } catch (WakeupException e) {
                    // close() woke us: the loop condition ends it
                } catch (RuntimeException e) {
                    LOG.warn("Reading host and deployment events failed, retrying in {}: {}", RETRY_AFTER_FAILURE,
                            e.getMessage());
                    pause();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        if (record.topic().equals(Topics.HOST_EVENTS.name())) {
            EventReader.Outcome<HostEvent> read = HOST_EVENTS.read(record);
            String problem = read.isRefused() ? read.refusal() : problemOf(read.event());
            if (problem != null) {
                deadLetter(record, problem);
                return;
            }
            String causationId = CloudEvents.header(record, CloudEvents.ID).orElse(read.event().eventId());
            try {
                listener.onHostEvent(read.event(), causationId);
            } catch (RuntimeException e) {
                // The safety net: an event the watcher fails on must not stop it watching every other instance.
                LOG.error("The health-watcher failed on {}[{}]@{}", record.topic(), record.partition(), record.offset(), e);
                deadLetter(record, "the health-watcher failed on this record (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            }
            return;
        }
        EventReader.Outcome<DeploymentEvent> read = DEPLOY_EVENTS.read(record);
        if (read.isRefused()) {
            LOG.warn("{}[{}]@{} skipped (the breach-detector dead-letters it): {}", record.topic(), record.partition(),
                    record.offset(), read.refusal());
        } else if (read.event() instanceof DeploymentEvent.Started started) {
            try {
                listener.onDeploymentStarted(started);
            } catch (RuntimeException e) {
                LOG.error("The health-watcher failed on {}[{}]@{}; skipped", record.topic(), record.partition(),
                        record.offset(), e);
            }
        }
    }

    /** Why a host event cannot be acted on, or null when it can. */
    private static String problemOf(HostEvent event) {
        if (event instanceof HostEvent.Started started && started.instance() != null) {
            return instanceProblem(started.typeName(), started.service(), started.version(), started.hostId(),
                    started.instance().instanceId(), started.instance().healthUrl());
        }
        if (event instanceof HostEvent.RolledBack rolledBack) {
            if (rolledBack.service() == null || rolledBack.hostId() == null) {
                return rolledBack.typeName() + " without service or hostId";
            }
            if (rolledBack.instance() != null) {
                return instanceProblem(rolledBack.typeName(), rolledBack.service(), rolledBack.version(),
                        rolledBack.hostId(), rolledBack.instance().instanceId(), rolledBack.instance().healthUrl());
            }
        }
        return null;
    }

    private static String instanceProblem(String type, String service, String version, String hostId,
                                          String instanceId, String healthUrl) {
        List<String> missing = new ArrayList<>();
        if (service == null) {
            missing.add("service");
        }
        if (version == null) {
            missing.add("version");
        }
        if (hostId == null) {
            missing.add("hostId");
        }
        if (instanceId == null) {
            missing.add("instance.instanceId");
        }
        if (healthUrl == null || healthUrl.isBlank()) {
            missing.add("instance.healthUrl");
        }
        return missing.isEmpty() ? null : type + " without " + String.join(", ", missing);
    }

    /**
     * Sends {@code record} to the DLQ unless an earlier run did, then commits the offset past it, so
     * a restart that reads the history again does not dead-letter it a second time.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.offset() < judgedBefore.getOrDefault(partition, 0L)) {
            LOG.info("{}[{}]@{} skipped: dead-lettered before a restart ({})", record.topic(), record.partition(),
                    record.offset(), reason);
            return;
        }
        LOG.warn("{}[{}]@{} sent to the DLQ: {}", record.topic(), record.partition(), record.offset(), reason);
        try {
            deadLetters.send(DeadLetters.of(record, reason, CONSUMER)).get(DLQ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            onDeadLettered.accept(record.topic());
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)), DLQ_TIMEOUT);
            judgedBefore.put(partition, record.offset() + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            // Moving on matters more than the dead letter: the record is in the log line above.
            LOG.error("{}[{}]@{} could not be dead-lettered: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The Kafka client meters of its consumer, to bind to a registry. */
    io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics() {
        return new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer);
    }

    /** Stops reading; waits at most {@code timeout} for the thread to end. */
    void close(Duration timeout) {
        running = false;
        consumer.wakeup();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The health-watcher's feed did not stop within {}", timeout);
        }
        deadLetters.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
