package io.kanary.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from their beginning up to the end offsets taken when the read begins: what a
 * service replays to rebuild its state, or an audit to rebuild the timeline. Records written after
 * the read began are left to whoever consumes the topic live, so two reads of the same history
 * hand over the same records.
 *
 * <p>Every partition is assigned by hand and nothing is committed (no consumer group), read
 * {@code read_committed} so aborted transactions are never replayed. A topic that does not exist
 * is read as empty, said once in the log and in {@link Replayed#missingTopics()}; it is never
 * created by the read. The whole read, metadata included, is bounded by one timeout: past it,
 * {@link TimedOut} says in one sentence which topics, which cluster and how long.
 */
public final class TopicReplay {
    private static final Logger LOG = LoggerFactory.getLogger(TopicReplay.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Closing sends nothing that matters (no group to leave): never let it outlast the read by much. */
    private static final Duration CLOSE = Duration.ofSeconds(5);

    private TopicReplay() {
    }

    /** What a read handed over. */
    public record Replayed(long records, List<String> missingTopics) {
    }

    /**
     * The read did not end within its timeout: a Kafka {@link TimeoutException} whose message is
     * the whole story (it has no cause, so a root-cause message is this sentence).
     * {@link #unfinished()} names the partitions not read to their end, each as
     * {@code topic[partition] at position of end}; it is empty when the cluster never answered.
     */
    public static final class TimedOut extends TimeoutException {
        private final List<String> unfinished;

        TimedOut(String message, List<String> unfinished) {
            super(message);
            this.unfinished = List.copyOf(unfinished);
        }

        public List<String> unfinished() {
            return unfinished;
        }
    }

    /** Hands every record of {@code topic}, as it stood when the read began, to {@code each}, in offset order per partition. */
    public static Replayed readToEnd(Map<String, Object> kafka, Topic<?, ?> topic, Duration timeout,
                                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        return readToEnd(kafka, List.of(topic.name()), timeout, each);
    }

    /** The same for several topics at once, under one timeout for them all. */
    public static Replayed readToEnd(Map<String, Object> kafka, Collection<String> topics, Duration timeout,
                                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        return readToEnd(kafka, topics, Map.of(), timeout, each);
    }

    /**
     * The same, starting each partition named in {@code from} at its offset there rather than at its
     * beginning: what a reader that restored a snapshot covering the records before uses.
     */
    public static Replayed readToEnd(Map<String, Object> kafka, Collection<String> topics,
                                     Map<TopicPartition, Long> from, Duration timeout,
                                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String cluster = String.valueOf(kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<String> missing = new ArrayList<>();
        long records = 0;
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    LOG.info("Topic {} does not exist at {}: read as empty", topic, cluster);
                    missing.add(topic);
                } else {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach((partition, offset) -> {
                if (partitions.contains(partition)) {
                    consumer.seek(partition, offset);
                }
            });
            // With read_committed these are the last stable offsets: the end of what is committed now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            Set<TopicPartition> pending = new HashSet<>(partitions);
            records += readPending(consumer, pending, ends, deadline, each);
            if (!pending.isEmpty()) {
                List<String> unfinished = pending.stream()
                        .map(p -> p.topic() + "[" + p.partition() + "] at " + positionOrUnknown(consumer, p)
                                + " of " + ends.get(p))
                        .sorted().toList();
                throw new TimedOut("Couldn't read " + String.join(", ", topics) + " to the end from the Kafka cluster at "
                        + cluster + " within " + seconds(timeout) + " (" + String.join(", ", unfinished)
                        + "); give the read more time or check the brokers' load.", unfinished);
            }
        } catch (TimedOut e) {
            throw e;
        } catch (TimeoutException e) {
            throw new TimedOut("Couldn't read " + String.join(", ", topics) + ": the Kafka cluster at " + cluster
                    + " did not answer within " + seconds(timeout) + "; check that its brokers run and that "
                    + "bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) names them.", List.of());
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE));
        }
        return new Replayed(records, List.copyOf(missing));
    }

    /** Polls until every pending partition is read to its end or time is up; returns how many records it handed over. */
    private static long readPending(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> pending,
                                    Map<TopicPartition, Long> ends, long deadline,
                                    Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long records = 0;
        pauseDone(consumer, pending, ends, deadline);
        while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(min(POLL, remaining(deadline)))) {
                // A poll may bring records written after the read began; they are not part of it.
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    each.accept(record);
                    records++;
                }
            }
            pauseDone(consumer, pending, ends, deadline);
        }
        return records;
    }

    /** Drops the partitions read to their end from {@code pending} and stops fetching them. */
    private static void pauseDone(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> pending,
                                  Map<TopicPartition, Long> ends, long deadline) {
        List<TopicPartition> done = pending.stream()
                .filter(p -> consumer.position(p, remaining(deadline)) >= ends.get(p)).toList();
        done.forEach(pending::remove);
        consumer.pause(done);
    }

    /** Where a consumer stands on a partition, for a sentence; "an unknown position" when the broker does not say at once. */
    public static String positionOrUnknown(KafkaConsumer<?, ?> consumer, TopicPartition partition) {
        try {
            return Long.toString(consumer.position(partition, Duration.ZERO));
        } catch (TimeoutException e) {
            return "an unknown position";
        }
    }

    private static Map<String, Object> consumerProps(Map<String, Object> kafka) {
        return readerProps(kafka, "kanary-replay-");
    }

    /**
     * A reader's consumer settings: committed records only, no auto-commit, no topic created by
     * reading, and no group, so that reading leaves no trace on the cluster and needs no group ACL.
     *
     * @param clientIdPrefix the client id's start when {@code kafka} names none (a random suffix follows)
     */
    public static Map<String, Object> readerProps(Map<String, Object> kafka, String clientIdPrefix) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // No group: a replay leaves no trace on the cluster and needs no group ACL.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + UUID.randomUUID());
        return props;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
