package io.kanary.executor;

import io.kanary.checks.HealthStreaks;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.security.RunAllowList;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the command checks of this executor's instances at their deployment's probe interval and
 * publishes each outcome on health.probes, as the health-watcher does for HTTP and TCP checks: the
 * planner's gates and the breach-detector judge them the same way. Checks run on the executor's
 * host, also for the docker driver (not inside the container).
 *
 * <p>Learns its instances from host.events ({@link CommandCheckFeed}): an instance started with a
 * command check is checked until it stops, and while a host replaces it, it is not (the executor is
 * stopping it; a failure then would be the old version's that it never made). A rolled-back version
 * is checked by the check it started with. At most one run of an instance is in flight: a run falling
 * due while the previous one still runs is skipped.
 */
final class CommandChecks implements AutoCloseable {
    static final long DEFAULT_INTERVAL_MS = 1_000;
    static final String SOURCE = "/kanary/executor";
    private static final Logger LOG = LoggerFactory.getLogger(CommandChecks.class);

    private record Key(String hostId, String service) {
    }

    private record VersionKey(String hostId, String service, String version) {
    }

    /** One instance being checked. */
    private static final class Watched {
        final String service;
        final String version;
        final String hostId;
        final Instance instance;
        final HealthCheck.Command check;
        final String causationId;
        final AtomicBoolean inFlight = new AtomicBoolean();
        ScheduledFuture<?> timer;

        Watched(String service, String version, String hostId, Instance instance, HealthCheck.Command check,
                String causationId) {
            this.service = service;
            this.version = version;
            this.hostId = hostId;
            this.instance = instance;
            this.check = check;
            this.causationId = causationId;
        }
    }

    private final Set<String> hostIds;
    private final RunAllowList allowList;
    private final Path outputDir;
    private final Producer<String, ProbeResult> producer;
    /** instance.health, derived from these checks as the health-watcher derives it from its probes: what gates read. */
    private final HealthStreaks streaks = new HealthStreaks();
    private final Producer<String, InstanceHealth> summaries;
    private final ScheduledExecutorService timers;
    private final ExecutorService runs;
    private final Map<Key, Watched> watched = new HashMap<>();
    private final Map<Key, Watched> beingReplaced = new HashMap<>();
    private final Map<VersionKey, HealthCheck> checks = new HashMap<>();
    /** The check each deployment (by id) gave, for an instance a restarted executor reported without one. */
    private final Map<String, HealthCheck> deploymentChecks = new HashMap<>();
    /**
     * The latest instance of each host and service started without a check before its deployment's
     * start was read: reading the topics from offset 0, host.events may come before deploy.events.
     */
    private final Map<Key, Pending> awaitingDeploymentCheck = new HashMap<>();

    private record Pending(HostEvent.Started started, String causationId) {
    }
    private final Map<String, Long> intervals = new HashMap<>();
    private boolean closed;

    CommandChecks(Set<String> hostIds, RunAllowList allowList, Path outputDir, Producer<String, ProbeResult> producer,
                  Producer<String, InstanceHealth> summaries) {
        this.summaries = summaries;
        this.hostIds = Set.copyOf(hostIds);
        this.allowList = allowList;
        this.outputDir = outputDir;
        this.producer = producer;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kanary-executor-check-timer"));
        this.runs = Executors.newCachedThreadPool(r -> new Thread(r, "kanary-executor-check"));
    }

    /** Publishes on health.probes through a producer of its own. */
    static CommandChecks create(Map<String, Object> kafka, String executorId, Set<String> hostIds,
                                RunAllowList allowList, Path outputDir) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "kanary-executor-" + executorId + "-probes");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<String, Object> summaryProps = new HashMap<>(props);
        summaryProps.put(ProducerConfig.CLIENT_ID_CONFIG, "kanary-executor-" + executorId + "-instance-health");
        return new CommandChecks(hostIds, allowList, outputDir, new KafkaProducer<>(props, new StringSerializer(),
                Topics.HEALTH_PROBES.valueSerde().serializer()), new KafkaProducer<>(summaryProps, new StringSerializer(),
                Topics.INSTANCE_HEALTH.valueSerde().serializer()));
    }

    synchronized void onHostEvent(HostEvent event, String causationId) {
        if (closed || !hostIds.contains(event.hostId())) {
            return;
        }
        if (!(event instanceof HostEvent.InstanceEvent instanceEvent)) {
            return;
        }
        if (!(event instanceof HostEvent.CommandFailed) && !(event instanceof HostEvent.HookStarted)
                && !(event instanceof HostEvent.HookFinished)) {
            awaitingDeploymentCheck.remove(new Key(event.hostId(), instanceEvent.service()));
        }
        if (event instanceof HostEvent.Starting starting) {
            Key key = new Key(starting.hostId(), starting.service());
            Watched current = unwatch(key);
            if (current != null) {
                beingReplaced.put(key, current);
            }
        } else if (event instanceof HostEvent.CommandFailed failed) {
            Key key = new Key(failed.hostId(), failed.service());
            Watched old = beingReplaced.remove(key);
            if (old != null && !watched.containsKey(key)) {
                watch(key, new Watched(old.service, old.version, old.hostId, old.instance, old.check, old.causationId));
            }
        } else if (event instanceof HostEvent.Started started && started.instance() != null) {
            HealthCheck check = started.instance().check() != null ? started.instance().check()
                    : deploymentChecks.get(started.deploymentId());
            if (check == null && !deploymentChecks.containsKey(started.deploymentId())) {
                awaitingDeploymentCheck.put(new Key(started.hostId(), started.service()),
                        new Pending(started, causationId));
            }
            checks.put(new VersionKey(started.hostId(), started.service(), started.version()), check);
            replace(started.hostId(), started.service(), started.version(), started.instance(), check, causationId);
        } else if (event instanceof HostEvent.RolledBack back) {
            Key key = new Key(back.hostId(), back.service());
            if (back.instance() == null) {
                unwatch(key);
                beingReplaced.remove(key);
            } else {
                HealthCheck check = back.instance().check() != null ? back.instance().check()
                        : checks.get(new VersionKey(back.hostId(), back.service(), back.version()));
                replace(back.hostId(), back.service(), back.version(), back.instance(), check, causationId);
            }
        } else if (event instanceof HostEvent.Stopped stopped && stopped.instanceId() != null) {
            beingReplaced.values().removeIf(w -> stopped.instanceId().equals(w.instance.instanceId()));
            watched.entrySet().stream()
                    .filter(e -> stopped.instanceId().equals(e.getValue().instance.instanceId()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .ifPresent(this::unwatch);
        }
    }

    /** The check deployment {@code deploymentId} gave its version, or null for none. */
    synchronized void onDeploymentCheck(String deploymentId, HealthCheck check) {
        deploymentChecks.put(deploymentId, check);
        List<Pending> late = awaitingDeploymentCheck.values().stream()
                .filter(p -> deploymentId != null && deploymentId.equals(p.started().deploymentId())).toList();
        for (Pending p : late) {
            HostEvent.Started started = p.started();
            awaitingDeploymentCheck.remove(new Key(started.hostId(), started.service()));
            checks.put(new VersionKey(started.hostId(), started.service(), started.version()), check);
            if (!closed && check instanceof HealthCheck.Command) {
                replace(started.hostId(), started.service(), started.version(), started.instance(), check,
                        p.causationId());
            }
        }
    }

    /** The probe interval of {@code service}'s latest deployment; its instances' timers follow it. */
    synchronized void onInterval(String service, long intervalMs) {
        Long previous = intervals.put(service, intervalMs);
        if (closed || previous != null && previous == intervalMs) {
            return;
        }
        watched.values().stream().filter(w -> w.service.equals(service)).forEach(w -> {
            w.timer.cancel(false);
            schedule(w);
        });
    }

    private void replace(String hostId, String service, String version, Instance instance, HealthCheck check,
                         String causationId) {
        Key key = new Key(hostId, service);
        unwatch(key);
        beingReplaced.remove(key);
        if (check instanceof HealthCheck.Command command) {
            watch(key, new Watched(service, version, hostId, instance, command, causationId));
        }
    }

    private void watch(Key key, Watched w) {
        watched.put(key, w);
        schedule(w);
        LOG.info("Running the command check of {} {} on {} every {} ms: {}", w.service, w.version, w.hostId,
                intervalOf(w.service), w.check.command());
    }

    private Watched unwatch(Key key) {
        Watched w = watched.remove(key);
        if (w != null) {
            w.timer.cancel(false);
        }
        return w;
    }

    private void schedule(Watched w) {
        long interval = intervalOf(w.service);
        w.timer = timers.scheduleAtFixedRate(() -> due(w), interval, interval, TimeUnit.MILLISECONDS);
    }

    private long intervalOf(String service) {
        return intervals.getOrDefault(service, DEFAULT_INTERVAL_MS);
    }

    private void due(Watched w) {
        if (!w.inFlight.compareAndSet(false, true)) {
            return; // the previous run still runs: a slow check yields fewer samples, not queued ones
        }
        try {
            runs.execute(() -> {
                try {
                    runOnce(w);
                } finally {
                    w.inFlight.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            w.inFlight.set(false); // closing
        }
    }

    private void runOnce(Watched w) {
        CommandCheckRun.Outcome outcome;
        Optional<String> refused = CommandCheckRun.refusal(w.service, w.check, allowList);
        int port = portOf(w.instance);
        try {
            if (refused.isPresent()) {
                outcome = new CommandCheckRun.Outcome(false, 0, Instant.now(), refused.get());
            } else if (port < 0) {
                outcome = new CommandCheckRun.Outcome(false, 0, Instant.now(), "command check of "
                        + w.instance.instanceId() + " has no port to give it: its address is " + w.instance.address());
            } else {
                outcome = CommandCheckRun.run(w.check, port, outputDir.resolve(w.hostId)
                        .resolve(w.instance.instanceId().replaceAll("[^A-Za-z0-9._-]", "_") + ".check.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!isCurrent(w)) {
            return; // stopped or replaced meanwhile: its failure says nothing about its version
        }
        ProbeResult result = new ProbeResult(Ids.newId(), KanaryEvent.SCHEMA_VERSION, w.service, w.version, w.hostId,
                w.instance.instanceId(), outcome.ok(), 0, outcome.latencyMs(), outcome.probedAt(), outcome.error());
        try {
            producer.send(CloudEvents.record(Topics.HEALTH_PROBES, w.service, result, SOURCE, w.causationId),
                    (metadata, error) -> {
                        if (error != null) {
                            LOG.warn("Command check result of {} on {} was not written: {}", w.service, w.hostId,
                                    error.getMessage());
                        }
                    });
        } catch (KafkaException | IllegalStateException e) {
            // A sample lost, not a reason to stop checking.
            LOG.warn("Command check result of {} on {} was not sent: {}", w.service, w.hostId, e.getMessage());
        }
        try {
            streaks.next(result).ifPresent(health -> summaries.send(CloudEvents.record(Topics.INSTANCE_HEALTH,
                    w.service, health, SOURCE, result.eventId())));
        } catch (KafkaException | IllegalStateException e) {
            LOG.warn("Health summary of {} on {} was not sent: {}", w.service, w.hostId, e.getMessage());
        }
    }

    private synchronized boolean isCurrent(Watched w) {
        return !closed && watched.get(new Key(w.hostId, w.service)) == w;
    }

    private static int portOf(Instance instance) {
        try {
            return URI.create(instance.address()).getPort();
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            watched.values().forEach(w -> w.timer.cancel(false));
            watched.clear();
        }
        timers.shutdownNow();
        runs.shutdownNow();
        try {
            runs.awaitTermination(HostExecutor.CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        summaries.close(Duration.ofSeconds(5));
    }
}
