package io.kanary.cli.stack;

import io.kanary.cli.UserError;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.TopicPartitions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates kanary's topics on a cluster where they are missing, as each service started on its own
 * does: several services starting at once against one cluster race to create them, and losing that
 * race is no error.
 */
public final class ClusterTopics {
    /** Most replicas a topic gets when the replication factor is left to kanary. */
    public static final int MAX_AUTO_REPLICATION = 3;
    private static final int ATTEMPTS = 3;

    private ClusterTopics() {
    }

    /**
     * @param partitions        partitions of health.probes, traffic.samples and deploy.events; every other topic gets one
     *                          ({@link TopicPartitions})
     * @param replicationFactor the replication factor, or 0 for the number of brokers, at most
     *                          {@value #MAX_AUTO_REPLICATION}
     * @return the replication factor used for the topics created now
     */
    public static short ensure(Map<String, Object> kafka, int partitions, int replicationFactor) {
        short replication = (short) (replicationFactor > 0 ? replicationFactor
                : Math.min(MAX_AUTO_REPLICATION, brokerCount(kafka)));
        for (int attempt = 1; ; attempt++) {
            try {
                TopicSetup.createTopics(kafka, new TopicPartitions(partitions), replication);
                return replication;
            } catch (IllegalStateException e) {
                // Another service created some of them between our listing and our creation: list again.
                if (!(e.getCause() instanceof ExecutionException ee && ee.getCause() instanceof TopicExistsException)
                        || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static int brokerCount(Map<String, Object> kafka) {
        try (Admin admin = Admin.create(kafka)) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new UserError("cannot reach Kafka at " + kafka.get("bootstrap.servers") + " to count its brokers: "
                    + e.getMessage() + "; check --bootstrap-server, or give --replication-factor");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the brokers", e);
        }
    }
}
