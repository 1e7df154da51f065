package io.kanary.kafka;

import java.util.List;

/**
 * How many partitions each kanary topic is created with: {@code scaled} for {@link Topics#SCALED}
 * (health.probes and traffic.samples, whose load grows with the fleet, and deploy.events, which the
 * breach-detector reads beside them), so that several detector processes share the judging; one for
 * every other topic and every DLQ.
 *
 * <p>deploy.events is scaled with the probes rather than kept whole because the detector holds each
 * service's active deployment in the same task as its probes: Kafka Streams numbers a
 * sub-topology's tasks by partition, and a key lands on the same partition number in every topic of
 * the same count. Re-keying a one-partition deploy.events into the probes' partitions inside the
 * detector would add a hop that a deployment's first probes can overtake (they would be taken for an
 * instance's start-up); a global store cannot be written by the probe processors, as the batch
 * evidence is. No consumer of deploy.events needs more than each service's order: the planner
 * rebuilds each service's deployments on its own, and lists order deployments by their time.
 *
 * <p>The others keep one partition: their volume grows with deployments and hosts, not with probes,
 * so partitions would spread nothing, and every reader of them reads them whole. Keys are services
 * and host ids, so a cluster whose topics all have several partitions works too.
 *
 * @param scaled partitions of health.probes, traffic.samples and deploy.events (at least 1)
 */
public record TopicPartitions(int scaled) {
    /** Six: room for six detector processes (or stream threads) before the topics must be widened. */
    public static final int DEFAULT_SCALED = 6;
    public static final TopicPartitions DEFAULT = new TopicPartitions(DEFAULT_SCALED);

    public TopicPartitions {
        if (scaled < 1) {
            throw new IllegalArgumentException("a topic needs at least 1 partition, was " + scaled
                    + "; set --partitions (env KANARY_TOPIC_PARTITIONS) to 1 or more");
        }
    }

    /** The partitions of the topic (or DLQ) named {@code topicName}. */
    public int of(String topicName) {
        return scaledNames().contains(topicName) ? scaled : 1;
    }

    private static List<String> scaledNames() {
        return Topics.SCALED.stream().map(Topic::name).toList();
    }
}
