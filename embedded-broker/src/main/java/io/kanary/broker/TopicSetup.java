package io.kanary.broker;

import io.kanary.kafka.Topic;
import io.kanary.kafka.TopicPartitions;
import io.kanary.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates kanary's topics (and their DLQs) where they are missing. deploy.events keeps its
 * history forever: it is the source of truth that the planner and the audit replay. A topic that
 * exists is left as it is, whatever its partitions.
 */
public final class TopicSetup {
    private TopicSetup() {
    }

    /** Every topic with {@link TopicPartitions#of} its partitions: health.probes, traffic.samples and deploy.events scaled, the others one. */
    public static void createTopics(Map<String, Object> clientProps, TopicPartitions partitions, short replicationFactor) {
        create(clientProps, partitions::of, replicationFactor);
    }

    /** Every topic, DLQs included, with the same number of partitions. */
    public static void createTopics(Map<String, Object> clientProps, int partitions, short replicationFactor) {
        create(clientProps, name -> partitions, replicationFactor);
    }

    private static void create(Map<String, Object> clientProps, ToIntFunction<String> partitions, short replicationFactor) {
        try (Admin admin = Admin.create(clientProps)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> topic : Topics.ALL) {
                for (String name : List.of(topic.name(), topic.dlqName())) {
                    if (!existing.contains(name)) {
                        NewTopic newTopic = new NewTopic(name, partitions.applyAsInt(name), replicationFactor);
                        if (topic == Topics.DEPLOY_EVENTS && name.equals(topic.name())) {
                            newTopic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
                        }
                        missing.add(newTopic);
                    }
                }
            }
            if (!existing.contains(Topics.NOTIFICATIONS_DLQ)) {
                missing.add(new NewTopic(Topics.NOTIFICATIONS_DLQ, partitions.applyAsInt(Topics.NOTIFICATIONS_DLQ), replicationFactor));
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create kanary's topics at " + clientProps.get("bootstrap.servers")
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }
}
