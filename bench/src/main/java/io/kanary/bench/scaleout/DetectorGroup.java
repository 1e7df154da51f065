package io.kanary.bench.scaleout;

import io.kanary.kafka.Topics;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the cluster says of a detector group (its consumer group is its Streams application id):
 * which health.probes partitions each member holds, and how far it has committed.
 */
public final class DetectorGroup {
    private static final long WAIT_MS = 30_000;

    private final Admin admin;
    private final String applicationId;

    public DetectorGroup(Admin admin, String applicationId) {
        this.admin = admin;
        this.applicationId = applicationId;
    }

    /**
     * The health.probes partitions each member holds, by the client id it was started with (a
     * detector process's name: its stream threads' consumers are {@code <name>-StreamThread-n-consumer}).
     */
    public Map<String, Set<Integer>> probePartitionsByMember() {
        ConsumerGroupDescription group = get(admin.describeConsumerGroups(List.of(applicationId)).all()).get(applicationId);
        Map<String, Set<Integer>> byMember = new TreeMap<>();
        for (MemberDescription member : group.members()) {
            String name = member.clientId().replaceFirst("-StreamThread-\\d+-consumer$", "");
            Set<Integer> partitions = byMember.computeIfAbsent(name, n -> new TreeSet<>());
            member.assignment().topicPartitions().stream()
                    .filter(p -> p.topic().equals(Topics.HEALTH_PROBES.name()))
                    .forEach(p -> partitions.add(p.partition()));
        }
        return byMember;
    }

    /** The records of {@code topic} the group has committed past, over every partition. */
    public long committed(String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets = get(admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata());
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** The end offsets of {@code topic}, summed over its partitions: the records written so far. */
    public long end(String topic, Collection<Integer> partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(new TopicPartition(topic, p), OffsetSpec.latest()));
        return get(admin.listOffsets(request).all()).values().stream().mapToLong(info -> info.offset()).sum();
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The Kafka cluster did not answer about the detector group: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
