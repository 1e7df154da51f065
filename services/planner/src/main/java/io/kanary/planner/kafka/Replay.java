package io.kanary.planner.kafka;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.planner.snapshot.SnapshotStore;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the planner's state from the topics: deploy.events first (the deployments), then
 * host.events (the fleet, and the host answers of the active deployments) — from the offsets of the
 * planner's latest snapshots of the hosts where there are any ({@link SnapshotStore}), so a start
 * does not read the whole history of heartbeats — each through
 * {@link TopicReplay}: up to the end offsets taken at the start, read_committed, so aborted decisions
 * are never replayed; a topic not yet created is an empty history.
 *
 * <p>History never stops it: a record that is not a valid event, or that the state machine fails
 * on, is skipped with a log line. It is not dead-lettered here: a replay reads the same history at
 * every start, and the DLQs belong to the consumers that commit their progress (deploy.events' to
 * the breach-detector, host.events' to the planner's live loop and the health-watcher), so each bad
 * record is dead-lettered once per consumer, not once per restart.
 */
final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private Replay() {
    }

    /** What a rebuild read. */
    record Rebuilt(int deploymentEvents, int hostEvents, int hostsRestored, Map<TopicPartition, Long> hostEventsFrom,
                   long millis) {
    }

    static Rebuilt rebuild(Map<String, Object> kafka, Planner planner, Duration timeout) {
        return rebuild(kafka, planner, timeout, null);
    }

    /**
     * @param snapshots where the planner's snapshots are, or null to replay host.events from the beginning. The
     *                  order is the full replay's: deploy.events, then the hosts as snapshots hold them, then
     *                  host.events from the snapshots' offsets
     */
    static Rebuilt rebuild(Map<String, Object> kafka, Planner planner, Duration timeout, SnapshotStore snapshots) {
        long began = System.nanoTime();
        SnapshotStore.Loaded loaded = snapshots == null ? SnapshotStore.Loaded.NONE : snapshots.load(kafka, timeout);
        int deploymentEvents = readAll(kafka, Topics.DEPLOY_EVENTS, Map.of(), timeout, event -> {
            if (event instanceof DeploymentEvent.Started started && (started.run() == null || started.policy() == null)) {
                // A deployment without what to run or how to judge it cannot be driven; rebuilding it would fail later.
                throw new IllegalArgumentException("deployment.started without " + (started.run() == null ? "run" : "policy"));
            }
            planner.apply(event);
        });
        loaded.hosts().forEach(planner::restore);
        int hostEvents = readAll(kafka, Topics.HOST_EVENTS, loaded.replayFrom(), timeout, planner::observe);
        long millis = (System.nanoTime() - began) / 1_000_000;
        LOG.info("Planner state rebuilt from {} deployment events, {} host snapshots and {} host events (from {}) in {} ms",
                deploymentEvents, loaded.hosts().size(), hostEvents,
                loaded.replayFrom().isEmpty() ? "the beginning" : loaded.replayFrom(), millis);
        return new Rebuilt(deploymentEvents, hostEvents, loaded.hosts().size(), loaded.replayFrom(), millis);
    }

    private static <T extends KanaryEvent> int readAll(Map<String, Object> kafka, Topic<String, T> events,
                                                       Map<TopicPartition, Long> from, Duration timeout,
                                                       java.util.function.Consumer<T> apply) {
        String topic = events.name();
        EventReader<T> reader = EventReader.of(events);
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kanary-planner-replay-" + UUID.randomUUID());
        int[] applied = {0};
        TopicReplay.readToEnd(props, List.of(topic), from, timeout, record -> {
            EventReader.Outcome<T> read = reader.read(record);
            if (read.isRefused()) {
                LOG.warn("Replay skips {}-{}@{}: {}", topic, record.partition(), record.offset(), read.refusal());
                return;
            }
            try {
                apply.accept(read.event());
                applied[0]++;
            } catch (IllegalArgumentException e) {
                LOG.warn("Replay skips {}-{}@{}: {}", topic, record.partition(), record.offset(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Replay skips {}-{}@{}: the planner failed on it", topic, record.partition(),
                        record.offset(), e);
            }
        });
        return applied[0];
    }
}
