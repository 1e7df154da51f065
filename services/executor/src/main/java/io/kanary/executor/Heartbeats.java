package io.kanary.executor;

import io.kanary.kafka.Ids;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@code host.heartbeat} for each host every interval while the executor takes
 * commands, so the planner can tell a host whose executor is gone from one that is merely quiet.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ScheduledExecutorService timer;

    private Heartbeats(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * @param incarnationId names this executor process: a restart gets a new one, so a reader can
     *                      tell that the executor came back rather than never left
     */
    static Heartbeats start(HostEventPublisher publisher, List<String> hostIds, String incarnationId, Duration interval) {
        return start(publisher, hostIds, incarnationId, interval, Map.of());
    }

    /** @param labels what every host says of itself in each heartbeat ({@code KANARY_HOST_LABELS}) */
    static Heartbeats start(HostEventPublisher publisher, List<String> hostIds, String incarnationId, Duration interval,
                            Map<String, String> labels) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kanary-executor-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long intervalMs = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            for (String hostId : hostIds) {
                try {
                    publisher.publishLater(new HostEvent.Heartbeat(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId,
                            incarnationId, intervalMs, Instant.now(), labels.isEmpty() ? null : labels));
                } catch (RuntimeException e) {
                    // A closed or failing producer must not end the schedule: the next beat tries again.
                    LOG.warn("Cannot send the heartbeat of {}: {}", hostId, e.getMessage());
                }
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
        return new Heartbeats(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
