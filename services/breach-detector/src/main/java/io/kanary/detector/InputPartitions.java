package io.kanary.detector;

import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before the Streams job starts, that the detector's inputs are co-partitioned: health.probes,
 * traffic.samples and deploy.events with the same number of partitions. Each task holds the active
 * deployments of the services on its partition number beside their probes and traffic; with unequal
 * counts a service's deployment would sit in another task than its probes, and Kafka Streams would
 * not say so (it co-partitions only joins), so the detector would judge nothing for it.
 */
final class InputPartitions {
    private InputPartitions() {
    }

    /** The partitions each input has, or an exception whose message says what to fix. */
    static int check(Map<String, Object> kafka, Duration timeout) {
        List<String> names = Topics.SCALED.stream().map(Topic::name).toList();
        Map<String, Integer> counts = new TreeMap<>();
        try (Admin admin = Admin.create(kafka)) {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            described.forEach((name, description) -> counts.put(name, description.partitions().size()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("The breach-detector's inputs " + String.join(", ", names)
                        + " do not exist at " + kafka.get("bootstrap.servers") + "; create kanary's topics first "
                        + "(any `kanary up` creates the missing ones).", e);
            }
            throw new IllegalStateException("Cannot describe " + String.join(", ", names) + " at "
                    + kafka.get("bootstrap.servers") + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The Kafka cluster at " + kafka.get("bootstrap.servers")
                    + " did not describe " + String.join(", ", names) + " within " + timeout.toSeconds()
                    + " s; check that its brokers run.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the detector's inputs", e);
        }
        if (counts.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("The breach-detector judges a service's probes, traffic and deployments "
                    + "in one task, so their topics need the same number of partitions, but they have " + counts
                    + "; add partitions to the smaller ones (kafka-topics.sh --alter --partitions) before starting it.");
        }
        return counts.values().iterator().next();
    }
}
