package io.kanary.executor;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the host.commands records this executor cannot use to host.commands.dlq, each exactly once
 * per consumer: the dead letters it already wrote are read back at start, so a record met again
 * after a restart (its offset was not committed yet) is not dead-lettered a second time.
 */
final class RefusedCommands implements AutoCloseable {
    /** Names the consumer group that refused the record; several executors may refuse the same one. */
    static final String CONSUMER = "kanary_dlq_consumer";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SEND_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RefusedCommands.class);

    private final String consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    /** "partition:offset" of the host.commands records this consumer already dead-lettered. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    private RefusedCommands(String consumer, KafkaProducer<byte[], byte[]> producer) {
        this.consumer = consumer;
        this.producer = producer;
    }

    /** Reads host.commands.dlq to its end for the records {@code consumer} already refused. */
    static RefusedCommands load(Map<String, Object> kafka, String consumer, Duration wait) {
        Map<String, Object> producerProps = new HashMap<>(kafka);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, consumer + "-dlq");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        RefusedCommands refused = new RefusedCommands(consumer,
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer()));
        try {
            refused.readBack(kafka, wait);
        } catch (RuntimeException e) {
            refused.close();
            throw e;
        }
        return refused;
    }

    private void readBack(Map<String, Object> kafka, Duration wait) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long deadline = System.nanoTime() + wait.toNanos();
        String topic = Topics.HOST_COMMANDS.dlqName();
        try (KafkaConsumer<byte[], byte[]> reader =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic, wait).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, wait);
            while (partitions.stream().anyMatch(p -> reader.position(p, wait) < end.get(p))) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + wait.toSeconds()
                            + " s; is Kafka reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                    if (consumer.equals(CloudEvents.header(record.headers(), CONSUMER).orElse(null))
                            && Topics.HOST_COMMANDS.name().equals(
                                    CloudEvents.header(record.headers(), DeadLetters.TOPIC).orElse(null))) {
                        CloudEvents.header(record.headers(), DeadLetters.PARTITION).ifPresent(partition ->
                                CloudEvents.header(record.headers(), DeadLetters.OFFSET).ifPresent(offset ->
                                        refused.add(partition + ":" + offset)));
                    }
                }
            }
        }
        LOG.info("{} refused {} host.commands records before this start", consumer, refused.size());
    }

    /**
     * Dead-letters {@code record} with {@code reason}, unless this consumer already did; waits for
     * the broker's acknowledgement so the offset is committed only after.
     *
     * @return true when it wrote the dead letter now; false when it had already, or could not
     */
    boolean refuse(ConsumerRecord<byte[], byte[]> record, String reason) throws InterruptedException {
        String position = record.partition() + ":" + record.offset();
        if (refused.contains(position)) {
            LOG.info("{} record at partition {} offset {} is already in the DLQ", record.topic(), record.partition(),
                    record.offset());
            return false;
        }
        LOG.warn("Refusing {} record at partition {} offset {}: {}", record.topic(), record.partition(),
                record.offset(), reason);
        ProducerRecord<byte[], byte[]> dead = DeadLetters.of(record, reason);
        dead.headers().add(CONSUMER, consumer.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(SEND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            refused.add(position);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("Cannot write the refused record to {}; moving on", dead.topic(), e);
            return false;
        }
    }

    @Override
    public void close() {
        producer.close(HostExecutor.CLOSE_WAIT);
    }
}
