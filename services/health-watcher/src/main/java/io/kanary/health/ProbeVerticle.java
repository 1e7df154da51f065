package io.kanary.health;

import io.kanary.health.probe.HealthProbe;
import io.kanary.health.probe.ProbeOutcome;
import io.kanary.health.probe.TcpProbe;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the set of live instances and a periodic probe for each. Events arrive from the Kafka
 * thread through {@link #onHostEvent} and {@link #onDeploymentStarted}, which hop onto this
 * verticle's event loop: the instance map and the timers are only ever touched there.
 *
 * <p>At most one probe of an instance is in flight: a probe falling due while the previous one still
 * waits for its answer is skipped, and counted as skipped, never as a failure. Probes queued behind
 * each other would time out waiting for a connection, and a slow instance (answering in 600 ms,
 * probed every 100 ms) would read as failing instead of as slow.
 */
final class ProbeVerticle extends VerticleBase implements InstanceFeed.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeVerticle.class);

    private final ProbeSink publisher;
    private final long defaultIntervalMs;
    private final Duration probeTimeout;
    private final Map<LiveInstance.Key, Probing> probing = new HashMap<>();
    /**
     * Instances being replaced: from a host's "starting" event until the new instance has started,
     * the old one is not probed. The executor stops it during that time, and a probe that meets it
     * stopping would count as an error of the old (baseline) version that the version never made.
     * If the replacement fails, the old instance still serves and is probed again.
     */
    private final Map<LiveInstance.Key, LiveInstance> beingReplaced = new HashMap<>();
    /**
     * The health check each version started with on each host, from host.instance.started: a
     * rollback brings a version back without naming its check again.
     */
    private final Map<LiveInstance.VersionKey, HealthCheck> checks = new HashMap<>();
    /**
     * The health check each deployment (by id) gave its version, for an instance started without
     * one: an executor restarted mid-deploy reports the instance from what its driver recorded.
     */
    private final Map<String, HealthCheck> deploymentChecks = new HashMap<>();
    /**
     * Instances started without a check whose deployment's start has not been read yet (instance id
     * → deployment id): reading the topics from offset 0, host.events may come before deploy.events.
     */
    private final Map<String, String> awaitingDeploymentCheck = new HashMap<>();
    /** The probe interval of each service's latest deployment policy. */
    private final Map<String, Long> intervals = new HashMap<>();
    /** Probes skipped because the instance's previous probe was still in flight; read by other threads. */
    private final AtomicLong skipped = new AtomicLong();
    /** How many instances are probed now, for a gauge read by other threads. */
    private volatile int watched;
    private HealthProbe probe;
    private TcpProbe tcp;
    private boolean stopped;

    ProbeVerticle(ProbeSink publisher, long defaultIntervalMs, Duration probeTimeout) {
        this.publisher = publisher;
        this.defaultIntervalMs = defaultIntervalMs;
        this.probeTimeout = probeTimeout;
    }

    /** One instance being probed; its identity tells a late answer whether its instance is still live. */
    private static final class Probing {
        final LiveInstance instance;
        /** One probe of the instance. */
        final Supplier<Future<ProbeOutcome>> target;
        long timerId;
        boolean inFlight;
        long skipped;
        /** When a skip of this instance was last logged (System.nanoTime), or 0: at most a line a minute. */
        long skipLoggedAtNanos;

        Probing(LiveInstance instance, Supplier<Future<ProbeOutcome>> target) {
            this.instance = instance;
            this.target = target;
        }
    }

    @Override
    public Future<?> start() {
        probe = HealthProbe.create(vertx, probeTimeout);
        tcp = TcpProbe.create(vertx);
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        probing.values().forEach(p -> vertx.cancelTimer(p.timerId));
        probing.clear();
        probe.close();
        tcp.close();
        return Future.succeededFuture();
    }

    @Override
    public void onHostEvent(HostEvent event, String causationId) {
        context.runOnContext(v -> apply(event, causationId));
    }

    @Override
    public void onDeploymentStarted(DeploymentEvent.Started started) {
        context.runOnContext(v -> {
            if (started.run() != null) {
                deploymentChecks.put(started.deploymentId(), started.run().check());
                applyDeploymentCheck(started.deploymentId(), started.run().check());
            }
            // The schema lets a reader such as the audit take a start without a policy; keep the interval then.
            if (started.policy() != null) {
                applyInterval(started.service(), started.policy().probeIntervalMs());
            }
        });
    }

    private void apply(HostEvent event, String causationId) {
        if (stopped) {
            return;
        }
        if (event instanceof HostEvent.Starting starting) {
            LiveInstance.Key key = new LiveInstance.Key(starting.hostId(), starting.service());
            Probing current = probing.get(key);
            if (current != null) {
                beingReplaced.put(key, current.instance);
                unwatch(key);
            }
        } else if (event instanceof HostEvent.CommandFailed failed) {
            LiveInstance old = beingReplaced.remove(new LiveInstance.Key(failed.hostId(), failed.service()));
            if (old != null && !probing.containsKey(old.key())) {
                watch(old);
            }
        } else if (event instanceof HostEvent.Started started && started.instance() != null) {
            Instance instance = started.instance();
            HealthCheck check = instance.check() != null ? instance.check()
                    : deploymentChecks.get(started.deploymentId());
            if (check == null && !deploymentChecks.containsKey(started.deploymentId())) {
                awaitingDeploymentCheck.put(instance.instanceId(), started.deploymentId());
            }
            checks.put(new LiveInstance.VersionKey(started.hostId(), started.service(), started.version()), check);
            watch(new LiveInstance(started.service(), started.version(), started.hostId(), instance.instanceId(),
                    instance.healthUrl(), causationId, instance.address(), check));
        } else if (event instanceof HostEvent.RolledBack rolledBack) {
            if (rolledBack.instance() != null) {
                Instance instance = rolledBack.instance();
                HealthCheck check = instance.check() != null ? instance.check() : checks.get(
                        new LiveInstance.VersionKey(rolledBack.hostId(), rolledBack.service(), rolledBack.version()));
                watch(new LiveInstance(rolledBack.service(), rolledBack.version(), rolledBack.hostId(),
                        instance.instanceId(), instance.healthUrl(), causationId, instance.address(), check));
            } else {
                // Nothing ran before the rolled-back version: the host no longer runs the service.
                unwatch(new LiveInstance.Key(rolledBack.hostId(), rolledBack.service()));
                beingReplaced.remove(new LiveInstance.Key(rolledBack.hostId(), rolledBack.service()));
            }
        } else if (event instanceof HostEvent.Stopped stoppedEvent) {
            beingReplaced.values().removeIf(old -> old.instanceId().equals(stoppedEvent.instanceId()));
            probing.entrySet().stream()
                    .filter(e -> e.getValue().instance.instanceId().equals(stoppedEvent.instanceId()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .ifPresent(this::unwatch);
        }
    }

    /** Gives {@code check} to the instances of {@code deploymentId} that started before its start was read. */
    private void applyDeploymentCheck(String deploymentId, HealthCheck check) {
        if (stopped) {
            return;
        }
        List<LiveInstance> late = new ArrayList<>();
        awaitingDeploymentCheck.entrySet().removeIf(e -> {
            if (!e.getValue().equals(deploymentId)) {
                return false;
            }
            probing.values().stream().map(p -> p.instance).filter(i -> i.instanceId().equals(e.getKey()))
                    .findFirst().ifPresent(late::add);
            return true;
        });
        if (check == null) {
            return;
        }
        for (LiveInstance i : late) {
            checks.put(new LiveInstance.VersionKey(i.hostId(), i.service(), i.version()), check);
            watch(new LiveInstance(i.service(), i.version(), i.hostId(), i.instanceId(), i.healthUrl(),
                    i.causationId(), i.address(), check));
        }
    }

    private void watch(LiveInstance instance) {
        unwatch(instance.key());
        beingReplaced.remove(instance.key());
        if (instance.check() instanceof HealthCheck.Command) {
            // Run on the instance's host by its executor, which publishes the probes itself.
            LOG.info("Not probing {} {} on {}: its command check is run by the host's executor", instance.service(),
                    instance.version(), instance.hostId());
            return;
        }
        Probing p = new Probing(instance, probeOf(instance));
        probing.put(instance.key(), p);
        watched = probing.size();
        schedule(p);
        LOG.info("Probing {} {} on {} at {} every {} ms", instance.service(), instance.version(), instance.hostId(),
                instance.healthUrl(), intervalOf(instance.service()));
    }

    private void unwatch(LiveInstance.Key key) {
        Probing p = probing.remove(key);
        watched = probing.size();
        if (p != null) {
            vertx.cancelTimer(p.timerId);
            LOG.info("Stopped probing {} {} on {}", p.instance.service(), p.instance.version(), p.instance.hostId());
        }
    }

    private void applyInterval(String service, long intervalMs) {
        Long previous = intervals.put(service, intervalMs);
        if (stopped || previous != null && previous == intervalMs) {
            return;
        }
        LOG.info("Probe interval of {} is now {} ms", service, intervalMs);
        List<Probing> ofService = new ArrayList<>();
        probing.values().stream().filter(p -> p.instance.service().equals(service)).forEach(ofService::add);
        for (Probing p : ofService) {
            vertx.cancelTimer(p.timerId);
            schedule(p);
        }
    }

    private void schedule(Probing p) {
        long interval = intervalOf(p.instance.service());
        // A fixed rate: a probe that falls due while the previous one is in flight is skipped, so a
        // hanging instance still yields a sample (a failure) every timeout.
        p.timerId = vertx.setPeriodic(interval, interval, id -> probeOnce(p));
    }

    /**
     * How to probe {@code instance} by its check's kind (a GET of its health URL when it has none),
     * resolved once when it is watched: URL, address and timeout do not change between its probes.
     */
    private Supplier<Future<ProbeOutcome>> probeOf(LiveInstance instance) {
        if (instance.check() instanceof HealthCheck.Http http) {
            String url = http.path() == null ? instance.healthUrl() : instance.address() + http.path();
            long timeoutMs = timeoutOf(http);
            return () -> probe.probe(url, http, timeoutMs);
        }
        if (instance.check() instanceof HealthCheck.Tcp check) {
            URI address;
            try {
                address = URI.create(instance.address());
            } catch (IllegalArgumentException | NullPointerException e) {
                String error = "tcp check of " + instance.instanceId() + " has no address to connect to: "
                        + instance.address();
                return () -> Future.succeededFuture(new ProbeOutcome(false, 0, 0, Instant.now(), error));
            }
            String host = address.getHost();
            int port = address.getPort();
            long timeoutMs = timeoutOf(check);
            return () -> tcp.probe(host, port, timeoutMs);
        }
        String url = instance.healthUrl();
        return () -> probe.probe(url);
    }

    private long timeoutOf(HealthCheck check) {
        return check.timeoutMs() == null ? probeTimeout.toMillis() : check.timeoutMs();
    }

    private long intervalOf(String service) {
        return intervals.getOrDefault(service, defaultIntervalMs);
    }

    /** How often a slow instance's skipped probes are logged, at most. */
    private static final long SKIP_LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    /** How many instances are being probed now. */
    int watchedInstances() {
        return watched;
    }

    /** Probes skipped so far because the previous probe of their instance was still in flight. */
    long skippedProbes() {
        return skipped.get();
    }

    private void probeOnce(Probing p) {
        if (p.inFlight) {
            skipped.incrementAndGet();
            p.skipped++;
            long now = System.nanoTime();
            if (p.skipLoggedAtNanos == 0 || now - p.skipLoggedAtNanos >= SKIP_LOG_EVERY_NANOS) {
                p.skipLoggedAtNanos = now;
                LOG.info("Skipping probes of {} {} on {} that fall due while the previous one waits for its answer "
                                + "(every {} ms, timeout {} ms): {} skipped so far", p.instance.service(),
                        p.instance.version(), p.instance.hostId(), intervalOf(p.instance.service()),
                        probeTimeout.toMillis(), p.skipped);
            }
            return;
        }
        p.inFlight = true;
        p.target.get().onSuccess(outcome -> {
            p.inFlight = false;
            // An answer for an instance removed meanwhile is dropped: a stopped instance failing its
            // probe says nothing about its version.
            if (!stopped && probing.get(p.instance.key()) == p) {
                publisher.publish(p.instance, outcome);
            }
        });
    }
}
