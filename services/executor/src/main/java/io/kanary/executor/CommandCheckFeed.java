package io.kanary.executor;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads host.events and deploy.events from offset 0 on a thread of its own, as the health-watcher
 * does, so that a restarted executor learns again which of its instances have command checks and at
 * which interval to run them. Nothing is committed. A record that cannot be read is skipped here:
 * the health-watcher dead-letters host.events, the breach-detector deploy.events.
 */
final class CommandCheckFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandCheckFeed.class);
    private static final EventReader<HostEvent> HOST_EVENTS = EventReader.of(Topics.HOST_EVENTS);
    private static final EventReader<DeploymentEvent> DEPLOY_EVENTS = EventReader.of(Topics.DEPLOY_EVENTS);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CommandChecks checks;
    private final Thread thread;
    private volatile boolean running = true;

    private CommandCheckFeed(KafkaConsumer<byte[], byte[]> consumer, CommandChecks checks, String executorId) {
        this.consumer = consumer;
        this.checks = checks;
        this.thread = new Thread(this::run, "kanary-executor-" + executorId + "-checks-feed");
    }

    /** Returns once the consumer is assigned to both topics and positioned at their start. */
    static CommandCheckFeed start(Map<String, Object> kafka, String executorId, CommandChecks checks, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-executor-" + executorId + "-checks");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            partitions.addAll(partitionsOf(consumer, Topics.HOST_EVENTS.name(), timeout));
            partitions.addAll(partitionsOf(consumer, Topics.DEPLOY_EVENTS.name(), timeout));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(p -> consumer.position(p, timeout));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        CommandCheckFeed feed = new CommandCheckFeed(consumer, checks, executorId);
        feed.thread.start();
        return feed;
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " does not exist; create kanary's topics first");
        }
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        handle(record);
                    }
                } catch (WakeupException e) {
                    // close() woke us: the loop condition ends it
                } catch (RuntimeException e) {
                    LOG.warn("Reading host and deployment events for command checks failed, retrying in {}: {}",
                            RETRY_AFTER_FAILURE, e.getMessage());
                    try {
                        Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        try {
            if (record.topic().equals(Topics.HOST_EVENTS.name())) {
                EventReader.Outcome<HostEvent> read = HOST_EVENTS.read(record);
                if (!read.isRefused()) {
                    checks.onHostEvent(read.event(),
                            CloudEvents.header(record, CloudEvents.ID).orElse(read.event().eventId()));
                }
            } else {
                EventReader.Outcome<DeploymentEvent> read = DEPLOY_EVENTS.read(record);
                if (!read.isRefused() && read.event() instanceof DeploymentEvent.Started started) {
                    if (started.run() != null) {
                        checks.onDeploymentCheck(started.deploymentId(), started.run().check());
                    }
                    if (started.policy() != null) {
                        checks.onInterval(started.service(), started.policy().probeIntervalMs());
                    }
                }
            }
        } catch (RuntimeException e) {
            // One event the checks fail on must not stop the checks of every other instance.
            LOG.error("Command checks failed on {}[{}]@{}; skipped", record.topic(), record.partition(),
                    record.offset(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
