package io.kanary.notifier;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.KanaryEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads breaches and deploy.events for one target, on a thread of its own, in a consumer group of
 * its own, and commits past a record only once the target has it (delivered, or dead-lettered after
 * the last try): delivery is at least once, and a crash between the delivery and the commit sends
 * the event again, with the same id. A target that is slow or down holds up only its own feed.
 *
 * <p>Partitions are assigned by hand (no group membership: a delivery that retries for a minute is
 * no missed heartbeat), offsets are committed to the group. A target seen for the first time
 * starts at the topics' end, and that position is committed at once, so nothing written after the
 * first start is missed by a crash before the first delivery.
 */
final class TargetFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetFeed.class);
    private static final EventReader<io.kanary.schema.Breach> BREACHES = EventReader.of(Topics.BREACHES);
    private static final EventReader<io.kanary.schema.DeploymentEvent> DEPLOY_EVENTS = EventReader.of(Topics.DEPLOY_EVENTS);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaClientMetrics consumerMetrics;
    private final Target target;
    private final boolean deadLettersUnreadable;
    private final DeadLetterSink deadLetters;
    /** Per partition, the next offset to hand over: what is committed, or about to be. */
    private final Map<TopicPartition, Long> next;
    private final Thread thread;
    private volatile boolean running = true;

    private TargetFeed(KafkaConsumer<byte[], byte[]> consumer, KafkaClientMetrics consumerMetrics, Target target,
                       boolean deadLettersUnreadable, DeadLetterSink deadLetters, Map<TopicPartition, Long> next) {
        this.consumer = consumer;
        this.consumerMetrics = consumerMetrics;
        this.target = target;
        this.deadLettersUnreadable = deadLettersUnreadable;
        this.deadLetters = deadLetters;
        this.next = new HashMap<>(next);
        this.thread = new Thread(this::run, "kanary-notifier-" + target.kind());
    }

    /**
     * Positions the feed where its group left off (or at the end, the first time), lets the target
     * {@link Target#resume() resume}, and starts reading.
     *
     * @param deadLettersUnreadable whether this feed dead-letters the records no one can read: only
     *                              one feed does, so such a record is dead-lettered once, not once per target
     */
    static TargetFeed start(Map<String, Object> kafka, String groupId, Target target, boolean deadLettersUnreadable,
                            DeadLetterSink deadLetters, MeterRegistry registry, Duration timeout) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka, groupId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaClientMetrics metrics = null;
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            partitions.addAll(partitionsOf(consumer, Topics.BREACHES.name(), timeout));
            partitions.addAll(partitionsOf(consumer, Topics.DEPLOY_EVENTS.name(), timeout));
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), timeout);
            Map<TopicPartition, Long> next = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> firstStart = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToEnd(List.of(partition));
                    long end = consumer.position(partition, timeout);
                    firstStart.put(partition, new OffsetAndMetadata(end));
                    next.put(partition, end);
                } else {
                    consumer.seek(partition, offset.offset());
                    next.put(partition, offset.offset());
                }
            }
            if (!firstStart.isEmpty()) {
                consumer.commitSync(firstStart, timeout);
            }
            target.resume();
            metrics = new KafkaClientMetrics(consumer);
            metrics.bindTo(registry);
            TargetFeed feed = new TargetFeed(consumer, metrics, target, deadLettersUnreadable, deadLetters, next);
            feed.thread.start();
            LOG.info("Notifier feed for {} {} reading from {}", target.kind(), target.shownUrl(), next);
            return feed;
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; create kanary's topics first");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private static Map<String, Object> consumerProps(Map<String, Object> kafka, String groupId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One record at a time is what a target takes anyway; a small batch is a small re-read after a crash.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        return props;
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        handle(record);
                        commit(record);
                    }
                } catch (WakeupException | InterruptException | InterruptedException e) {
                    running = false;
                } catch (RuntimeException e) {
                    LOG.warn("Notifier feed for {} {} failed, reading again from {} in {}: {}", target.kind(),
                            target.shownUrl(), next, RETRY_AFTER_FAILURE, e.getMessage());
                    rewind();
                    pause();
                }
            }
        } finally {
            Thread.interrupted();
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        EventReader.Outcome<? extends KanaryEvent> read = record.topic().equals(Topics.BREACHES.name())
                ? BREACHES.read(record) : DEPLOY_EVENTS.read(record);
        if (read.isRefused()) {
            if (deadLettersUnreadable) {
                LOG.warn("{}[{}]@{} sent to the DLQ: {}", record.topic(), record.partition(), record.offset(),
                        read.refusal());
                deadLetters.unreadable(record, read.refusal());
            } else {
                LOG.info("{}[{}]@{} skipped (another notifier feed dead-letters it): {}", record.topic(),
                        record.partition(), record.offset(), read.refusal());
            }
            return;
        }
        target.deliver(new Notification(read.event(), record));
    }

    private void commit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)), COMMIT_TIMEOUT);
        next.put(partition, record.offset() + 1);
    }

    /** Back to the last committed positions: the records after them are handed over again. */
    private void rewind() {
        try {
            next.forEach(consumer::seek);
        } catch (RuntimeException e) {
            LOG.warn("Notifier feed for {} could not rewind: {}", target.shownUrl(), e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Stops reading (a delivery under way is abandoned, uncommitted: the next start sends it again). */
    void close(Duration timeout) {
        running = false;
        consumer.wakeup();
        thread.interrupt();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("The notifier's feed for {} did not stop within {}", target.shownUrl(), timeout);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
