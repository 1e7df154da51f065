package io.kanary.planner.snapshot;

import io.kanary.kafka.JsonSerde;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.planner.state.Fleet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's snapshot topic: a compacted topic of {@link HostSnapshot}s, one key per host. The
 * loop writes a round of them (every known host) inside the transaction that commits the offsets
 * they cover; a start reads the latest of each and replays host.events only from their offsets.
 * A snapshot that cannot be read is skipped with a log line: the replay then reads from the
 * beginning for its partition, as if there were none, so a bad snapshot costs time, never state.
 */
public final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final JsonSerde<HostSnapshot> SERDE = JsonSerde.of(HostSnapshot.class);

    private final String topic;

    public SnapshotStore(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** What a start restores: the hosts, and where host.events is read from on top of them. */
    public record Loaded(List<Fleet.HostState> hosts, Map<TopicPartition, Long> replayFrom) {
        public static final Loaded NONE = new Loaded(List.of(), Map.of());
    }

    /** Creates the topic, compacted, where it is missing; false, with the reason logged, when it cannot. */
    public boolean ensureTopic(Map<String, Object> kafka, Duration timeout) {
        try (Admin admin = Admin.create(kafka)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            LOG.warn("Cannot create the planner's snapshot topic {} ({}); the planner replays host.events from the "
                    + "beginning at every start. Create it (compacted) or grant the planner CREATE on it.", topic,
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            LOG.warn("Cannot create the planner's snapshot topic {} within {} ms; the planner replays host.events from "
                    + "the beginning at every start", topic, timeout.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The latest snapshot of every host, and the offsets of host.events to replay from (none: from the beginning). */
    public Loaded load(Map<String, Object> kafka, Duration timeout) {
        Map<String, HostSnapshot> latest = new LinkedHashMap<>();
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-planner-snapshots-" + UUID.randomUUID());
        TopicReplay.readToEnd(props, List.of(topic), timeout, record -> {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (key == null) {
                return;
            }
            if (record.value() == null) {
                latest.remove(key);
                return;
            }
            try {
                HostSnapshot snapshot = SERDE.deserialize(topic, record.value());
                if (snapshot.schemaVersion() == HostSnapshot.SCHEMA_VERSION && key.equals(snapshot.host().hostId())) {
                    latest.put(key, snapshot);
                } else {
                    latest.remove(key);
                }
            } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
                // Without this host's snapshot its partition is replayed from the beginning below.
                latest.remove(key);
                LOG.warn("Snapshot {}-{}@{} of {} skipped: {}", record.topic(), record.partition(), record.offset(), key,
                        e.getMessage());
            }
        });
        if (latest.isEmpty()) {
            return Loaded.NONE;
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        for (HostSnapshot snapshot : latest.values()) {
            for (HostSnapshot.PartitionOffset p : snapshot.replayFrom()) {
                from.merge(new TopicPartition(Topics.HOST_EVENTS.name(), p.partition()), p.offset(), Math::min);
            }
        }
        List<Fleet.HostState> hosts = new ArrayList<>();
        latest.values().forEach(s -> hosts.add(s.host()));
        return new Loaded(List.copyOf(hosts), Map.copyOf(from));
    }

    /** The records of one round: every host's state now, each naming where a restart replays from. */
    public List<ProducerRecord<byte[], byte[]>> round(List<Fleet.HostState> hosts, Map<TopicPartition, Long> replayFrom,
                                                      Instant now) {
        List<HostSnapshot.PartitionOffset> offsets = replayFrom.entrySet().stream()
                .map(e -> new HostSnapshot.PartitionOffset(e.getKey().partition(), e.getValue()))
                .sorted(java.util.Comparator.comparingInt(HostSnapshot.PartitionOffset::partition)).toList();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (Fleet.HostState host : hosts) {
            HostSnapshot snapshot = new HostSnapshot(HostSnapshot.SCHEMA_VERSION, host, offsets, now);
            out.add(new ProducerRecord<>(topic, host.hostId().getBytes(StandardCharsets.UTF_8),
                    SERDE.serialize(topic, snapshot)));
        }
        return out;
    }
}
