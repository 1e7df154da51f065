package io.kanary.dashboard.feed;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.ProbeResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Feeds the {@link DashboardView} from the topics on a thread of its own: deploy.events, host.events,
 * breaches and judgements from the beginning (the page shows history; a waiting batch's latest
 * progress is found again after a restart), health.probes from the end (only live
 * probes count in the sliding window). The view is a view: partitions are assigned by hand, no group
 * is joined and nothing committed. A record that cannot be read is skipped and counted, never
 * dead-lettered (the DLQs belong to the services that act on the records).
 */
public final class TopicFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often a topic that does not exist yet is looked for again. */
    private static final Duration RETRY_MISSING = Duration.ofSeconds(1);
    private static final List<String> HISTORY = List.of(Topics.DEPLOY_EVENTS.name(), Topics.HOST_EVENTS.name(),
            Topics.BREACHES.name(), Topics.JUDGEMENTS.name());
    private static final List<String> LIVE = List.of(Topics.HEALTH_PROBES.name());

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DashboardView view;
    private final MeterRegistry registry;
    private final KafkaClientMetrics consumerMetrics;
    private final Thread thread;
    private final Set<String> assigned = new java.util.HashSet<>();
    private volatile boolean running = true;

    public TopicFeed(Map<String, Object> kafka, DashboardView view, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove("group.instance.id");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-dashboard");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.view = view;
        this.registry = registry;
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        this.thread = new Thread(this::run, "kanary-dashboard-feed");
        thread.setDaemon(true);
    }

    public TopicFeed start() {
        thread.start();
        return this;
    }

    private void run() {
        long nextAssign = 0;
        try {
            while (running) {
                if (assigned.size() < HISTORY.size() + LIVE.size() && System.nanoTime() >= nextAssign) {
                    assignNewTopics();
                    nextAssign = System.nanoTime() + RETRY_MISSING.toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(POLL.toMillis()); // nothing to poll until a topic exists
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    read(record);
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("The dashboard's feed stopped: {}", e.getMessage(), e);
        } finally {
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Assigns the partitions of every topic not assigned yet that now exists: history from the start, probes from the end. */
    private void assignNewTopics() {
        List<TopicPartition> fromStart = new ArrayList<>();
        List<TopicPartition> fromEnd = new ArrayList<>();
        Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(5));
        for (String topic : concat(HISTORY, LIVE)) {
            List<PartitionInfo> partitions = existing.get(topic);
            if (assigned.contains(topic) || partitions == null || partitions.isEmpty()) {
                continue;
            }
            assigned.add(topic);
            partitions.forEach(p -> (LIVE.contains(topic) ? fromEnd : fromStart).add(new TopicPartition(topic, p.partition())));
        }
        if (fromStart.isEmpty() && fromEnd.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(fromStart);
        all.addAll(fromEnd);
        consumer.assign(all);
        consumer.seekToBeginning(fromStart);
        consumer.seekToEnd(fromEnd);
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(Topics.DEPLOY_EVENTS.name())) {
            accept(record, EventReader.of(Topics.DEPLOY_EVENTS).read(record), view::deploymentEvent);
        } else if (topic.equals(Topics.HOST_EVENTS.name())) {
            accept(record, EventReader.of(Topics.HOST_EVENTS).read(record), view::hostEvent);
        } else if (topic.equals(Topics.BREACHES.name())) {
            accept(record, EventReader.of(Topics.BREACHES).read(record), view::breach);
        } else if (topic.equals(Topics.JUDGEMENTS.name())) {
            accept(record, EventReader.of(Topics.JUDGEMENTS).read(record), view::judgement);
        } else if (topic.equals(Topics.HEALTH_PROBES.name())) {
            accept(record, EventReader.of(Topics.HEALTH_PROBES).read(record), view::probe);
        }
    }

    private <T> void accept(ConsumerRecord<byte[], byte[]> record, EventReader.Outcome<T> outcome,
                            java.util.function.Consumer<T> into) {
        if (outcome.isRefused()) {
            LOG.warn("Skipped {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), outcome.refusal());
            view.undecodable(record.topic());
            Counter.builder("kanary.dashboard.undecodable.records").description("Records the dashboard skipped unread")
                    .tag("topic", record.topic()).register(registry).increment();
            return;
        }
        try {
            into.accept(outcome.event());
        } catch (RuntimeException e) {
            // A record the view cannot place must not stop the feed for every other one.
            LOG.warn("Skipped {}-{}@{}: the view could not use it: {}", record.topic(), record.partition(), record.offset(), e.toString());
            view.undecodable(record.topic());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
