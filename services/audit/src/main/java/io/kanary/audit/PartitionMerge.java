package io.kanary.audit;

import io.kanary.kafka.TopicReplay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics partition by partition in offset order and hands their records over merged by
 * time: a k-way merge, one cursor per partition in a priority queue ordered by each cursor's next
 * record ({@link RecordOrder}). A cursor buffers at most {@link #BUFFERED} records and its
 * partition is paused beyond that, so what is held is a few fetches per partition however long
 * the topics are, and nothing is ever sorted as a whole. Records within a partition keep their
 * offset order even where their times go backwards; what needs an exact order (the timeline) sorts
 * the few records it keeps, and the probe sums take the earliest of what they fold.
 *
 * <p>Like a replay, it reads to the end offsets taken when it begins ({@code read_committed}, so
 * an aborted transaction is never read), with every partition assigned by hand and nothing
 * committed. A {@link Range} narrows the read to record timestamps: each partition starts at the
 * first offset at or after {@code from} ({@code offsetsForTimes}) and stops at its first record
 * after {@code to}.
 */
final class PartitionMerge {
    /** Records a cursor holds before its partition is paused: bounds memory at a few fetches per partition. */
    static final int BUFFERED = 500;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CLOSE = Duration.ofSeconds(5);
    /** Large enough for fast reads, small enough that fetched-but-unread bytes stay well inside a small heap. */
    private static final int FETCH_MAX_BYTES = 8 * 1024 * 1024;

    private PartitionMerge() {
    }

    /** Which record timestamps to read; a null bound is open. */
    record Range(Instant from, Instant to) {
        static final Range ALL = new Range(null, null);
    }

    /**
     * What a read handed over.
     *
     * @param unfinished the partitions not read to their end when time was up, as {@code topic[partition] at position of end}
     */
    record Result(long records, List<String> missingTopics, List<String> unfinished) {
    }

    /**
     * Hands every record of {@code topics} in {@code range} to {@code each}, merged by time.
     *
     * @param deadline a {@link System#nanoTime()} value past which the read stops and names what it did not finish
     * @throws TimeoutException when the cluster does not answer at all before the deadline
     */
    static Result read(Map<String, Object> kafka, List<String> topics, Range range, long deadline,
                       Consumer<ConsumerRecord<byte[], byte[]>> each) {
        String cluster = String.valueOf(kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            return new Merge(consumer, each).run(topics, range, deadline);
        } catch (TimeoutException e) {
            throw new TimeoutException("Couldn't read " + String.join(", ", topics) + ": the Kafka cluster at "
                    + cluster + " did not answer in time; check that its brokers run and that bootstrap.servers "
                    + "(KAFKA_BOOTSTRAP_SERVERS) names them, or give the audit more time (--timeout-s).");
        } finally {
            consumer.close(CloseOptions.timeout(CLOSE));
        }
    }

    /** One partition's place in the merge: its buffered records and where it ends. */
    private static final class Cursor {
        final TopicPartition partition;
        final long end;
        final long stopAfterMs;
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
        RecordOrder head;
        boolean past;

        Cursor(TopicPartition partition, long end, long stopAfterMs) {
            this.partition = partition;
            this.end = end;
            this.stopAfterMs = stopAfterMs;
        }

        void offer(ConsumerRecord<byte[], byte[]> record) {
            if (past || record.offset() >= end) {
                return; // written after the read began, or past the range: not part of this read
            }
            if (record.timestamp() > stopAfterMs) {
                past = true;
                return;
            }
            buffer.add(record);
        }

        void takeHead() {
            head = RecordOrder.of(buffer.peek());
        }
    }

    private static final class Merge {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Consumer<ConsumerRecord<byte[], byte[]>> each;
        private final Map<TopicPartition, Cursor> cursors = new HashMap<>();
        private final PriorityQueue<Cursor> ready = new PriorityQueue<>(Comparator.comparing(c -> c.head));
        /** Cursors with nothing buffered that may still have records: the merge cannot go on without their next one. */
        private final Set<Cursor> starving = new LinkedHashSet<>();

        Merge(KafkaConsumer<byte[], byte[]> consumer, Consumer<ConsumerRecord<byte[], byte[]>> each) {
            this.consumer = consumer;
            this.each = each;
        }

        Result run(List<String> topics, Range range, long deadline) {
            List<String> missing = new ArrayList<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    missing.add(topic);
                } else {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            }
            consumer.assign(partitions);
            // With read_committed these are the last stable offsets: the end of what is committed now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, remaining(deadline));
            seekToStart(partitions, range, ends, deadline);
            long stopAfter = range.to() == null ? Long.MAX_VALUE : range.to().toEpochMilli();
            for (TopicPartition p : partitions) {
                Cursor cursor = new Cursor(p, ends.get(p), stopAfter);
                cursors.put(p, cursor);
                starving.add(cursor);
            }
            long records = 0;
            while (true) {
                while (!starving.isEmpty() && System.nanoTime() - deadline < 0) {
                    fill(deadline);
                }
                if (!starving.isEmpty()) {
                    return new Result(records, missing, unfinished());
                }
                Cursor next = ready.poll();
                if (next == null) {
                    return new Result(records, missing, List.of());
                }
                each.accept(next.buffer.poll());
                records++;
                if (next.buffer.isEmpty()) {
                    starving.add(next);
                } else {
                    next.takeHead();
                    ready.add(next);
                }
            }
        }

        private void seekToStart(List<TopicPartition> partitions, Range range, Map<TopicPartition, Long> ends,
                                 long deadline) {
            if (range.from() == null) {
                consumer.seekToBeginning(partitions);
                return;
            }
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, range.from().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(from, remaining(deadline));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = found.get(p);
                // No record at or after the time: nothing of this partition is in the range.
                consumer.seek(p, at == null ? ends.get(p) : at.offset());
            }
        }

        /** One poll: the records go to their cursors, and every starving cursor is fed, finished or left waiting. */
        private void fill(long deadline) {
            List<TopicPartition> pause = new ArrayList<>();
            List<TopicPartition> resume = new ArrayList<>();
            cursors.values().forEach(c -> (c.buffer.size() >= BUFFERED || c.past ? pause : resume).add(c.partition));
            consumer.pause(pause);
            consumer.resume(resume);
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(min(POLL, remaining(deadline)))) {
                cursors.get(new TopicPartition(record.topic(), record.partition())).offer(record);
            }
            for (var it = starving.iterator(); it.hasNext(); ) {
                Cursor c = it.next();
                if (!c.buffer.isEmpty()) {
                    c.takeHead();
                    ready.add(c);
                    it.remove();
                } else if (c.past || consumer.position(c.partition, remaining(deadline)) >= c.end) {
                    it.remove(); // read to its end (transaction markers included) or past its range
                }
            }
        }

        private List<String> unfinished() {
            return starving.stream().map(c -> c.partition.topic() + "[" + c.partition.partition() + "] at "
                    + position(c.partition) + " of " + c.end).sorted().toList();
        }

        private String position(TopicPartition partition) {
            return TopicReplay.positionOrUnknown(consumer, partition);
        }
    }

    private static Map<String, Object> consumerProps(Map<String, Object> kafka) {
        Map<String, Object> props = TopicReplay.readerProps(kafka, "kanary-audit-");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BUFFERED);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_MAX_BYTES);
        return props;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
