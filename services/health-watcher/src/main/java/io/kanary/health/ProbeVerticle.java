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
import java.util.concurrent.TimeUnit;
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
 *
 * <p>One verticle is one shard of the watcher: several run side by side, one per event loop, each
 * probing the instances whose (host, service) falls to it ({@link Shard#owns}). Every shard reads every
 * event (they are few: starts, stops, deployments) and keeps what it needs of them.
 *
 * <p>A shard that cannot keep up sheds instead of failing: a probe whose timer fires more than
 * {@code maxLateness} after it fell due, or that would put more than {@code maxInFlight} probes of
 * the shard in flight, is published as skipped ("watcher overloaded"), and so is a probe whose
 * shard fell behind while it waited for its answer (its timeout or its latency would be the
 * shard's delay). Late timers cannot pile up: a timer that fires a whole interval late or more is
 * published skipped once and restarted from now, rather than firing every missed turn back to back.
 */
final class ProbeVerticle extends VerticleBase implements InstanceFeed.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeVerticle.class);
    /** The reasons a probe is skipped, as the skipped-probes metric names them. */
    static final String LATE = "late";
    static final String IN_FLIGHT_LIMIT = "in_flight_limit";
    static final String LOOP_BEHIND = "loop_behind";
    static final String ANSWER_PENDING = "answer_pending";

    /** Where a shard counts its skipped probes and its own delay in sending each probe. */
    interface Meters {
        Meters NONE = new Meters() {
            @Override
            public void skipped(String service, String reason) {
            }

            @Override
            public void sent(long lateNanos) {
            }
        };

        void skipped(String service, String reason);

        /** A probe was sent {@code lateNanos} after it fell due. */
        void sent(long lateNanos);
    }

    /**
     * Which share of the instances a verticle probes and when it sheds.
     *
     * @param shard       this verticle's index, 0 to {@code shards - 1}
     * @param maxInFlight probes of this shard waiting for their answer, at most
     * @param maxLateness how late a probe may be sent, or its shard fall behind while it waits, before it is skipped
     */
    record Shard(int shard, int shards, int maxInFlight, Duration maxLateness) {
        static Shard single() {
            return new Shard(0, 1, HealthWatcherConfig.DEFAULT_MAX_IN_FLIGHT_PER_LOOP,
                    HealthWatcherConfig.DEFAULT_MAX_PROBE_LATENESS);
        }

        boolean owns(LiveInstance.Key key) {
            return Math.floorMod(key.hashCode(), shards) == shard;
        }
    }

    private final ProbeSink publisher;
    private final long defaultIntervalMs;
    private final Duration probeTimeout;
    private final Shard shard;
    private final Meters meters;
    private final long maxLatenessNanos;
    /** Probes of this shard waiting for their answer now. */
    private int inFlight;
    /**
     * Counts the times a timer of this shard fired late: a probe that finds it changed between its
     * sending and its answer was answered while its shard was behind, so its outcome is no evidence.
     * (The in-flight bound does not count: the answers of the probes in flight are still read on time.)
     */
    private long lateSeen;
    /**
     * "No answer" is the verdict a busy loop fakes (the answer waits unread while the timeout fires),
     * and a failure rolls a version back: a probe that got no answer while its loop ran more than this
     * late is skipped, whatever the shedding bound. An answer with a failing status is the instance's
     * own, however late it was read.
     */
    private static final long FAILURE_LATENESS_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Counts the times a timer of this shard fired more than {@link #FAILURE_LATENESS_NANOS} late. */
    private long slightlyLateSeen;
    private static final long TICK_MS = 50;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
    private long tickTimer;
    /** When {@link #tick} last ran (System.nanoTime). */
    private long lastTickNanos;
    /** When this shard last logged that it sheds (System.nanoTime), or 0: at most a line a minute. */
    private long shedLoggedAtNanos;
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
        this(publisher, defaultIntervalMs, probeTimeout, Shard.single(), Meters.NONE);
    }

    ProbeVerticle(ProbeSink publisher, long defaultIntervalMs, Duration probeTimeout, Shard shard, Meters meters) {
        this.publisher = publisher;
        this.defaultIntervalMs = defaultIntervalMs;
        this.probeTimeout = probeTimeout;
        this.shard = shard;
        this.meters = meters;
        this.maxLatenessNanos = shard.maxLateness().toNanos();
    }

    /** One instance being probed; its identity tells a late answer whether its instance is still live. */
    private static final class Probing {
        final LiveInstance instance;
        /** One probe of the instance. */
        final Supplier<Future<ProbeOutcome>> target;
        long timerId;
        /** When its timer should fire next (System.nanoTime): a fixed-rate timer's schedule, to measure lateness against. */
        long dueNanos;
        long intervalNanos;
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
        lastTickNanos = System.nanoTime();
        tickTimer = vertx.setPeriodic(TICK_MS, TICK_MS, id -> tick());
        return Future.succeededFuture();
    }

    /**
     * This loop's heartbeat: a tick that fires late says the loop is behind even when no probe falls
     * due, and an answer read while the tick is overdue was read late (the loop ran the answer's
     * I/O before its overdue timers).
     */
    private void tick() {
        long now = System.nanoTime();
        if (now - lastTickNanos > TICK_NANOS + maxLatenessNanos) {
            lateSeen++;
        }
        if (now - lastTickNanos > TICK_NANOS + FAILURE_LATENESS_NANOS) {
            slightlyLateSeen++;
        }
        lastTickNanos = now;
    }

    private boolean behind(long now) {
        return now - lastTickNanos > TICK_NANOS + maxLatenessNanos;
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        vertx.cancelTimer(tickTimer);
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
        if (!shard.owns(instance.key())) {
            return;
        }
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
        // hanging instance still yields a sample (a failure) every timeout. Vert.x runs periodic
        // timers at a fixed rate (each turn due one interval after the previous turn was due), which
        // is the schedule dueNanos follows.
        p.intervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
        p.dueNanos = System.nanoTime() + p.intervalNanos;
        p.timerId = vertx.setPeriodic(interval, interval, id -> probeOnce(p));
    }

    /**
     * How to probe {@code instance} by its check's kind (a GET of its health URL when it has none),
     * resolved once when it is watched: URL, address and timeout do not change between its probes.
     */
    private Supplier<Future<ProbeOutcome>> probeOf(LiveInstance instance) {
        if (instance.check() instanceof HealthCheck.Http http) {
            String url = http.path() == null ? instance.healthUrl() : instance.address() + http.path();
            HealthProbe.Target target = probe.target(url, http, timeoutOf(http));
            return () -> probe.probe(target);
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
        HealthProbe.Target target = probe.target(instance.healthUrl(), null, probeTimeout.toMillis());
        return () -> probe.probe(target);
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
        long now = System.nanoTime();
        long lateNanos = now - p.dueNanos;
        p.dueNanos += p.intervalNanos;
        if (lateNanos > FAILURE_LATENESS_NANOS) {
            slightlyLateSeen++;
        }
        if (p.inFlight) {
            meters.skipped(p.instance.service(), ANSWER_PENDING);
            skipped.incrementAndGet();
            p.skipped++;
            if (p.skipLoggedAtNanos == 0 || now - p.skipLoggedAtNanos >= SKIP_LOG_EVERY_NANOS) {
                p.skipLoggedAtNanos = now;
                LOG.info("Skipping probes of {} {} on {} that fall due while the previous one waits for its answer "
                                + "(every {} ms, timeout {} ms): {} skipped so far", p.instance.service(),
                        p.instance.version(), p.instance.hostId(), intervalOf(p.instance.service()),
                        probeTimeout.toMillis(), p.skipped);
            }
            return;
        }
        if (lateNanos > maxLatenessNanos || behind(now)) {
            shed(p, LATE, lateNanos);
            if (lateNanos >= p.intervalNanos) {
                // A fixed-rate timer fires the turns it missed back to back, each late again: a loop
                // that sheds must get cheaper, not busier. One skipped record stands for them; they
                // are counted, and the schedule starts afresh from now.
                for (long missed = lateNanos / p.intervalNanos; missed > 0; missed--) {
                    meters.skipped(p.instance.service(), LATE);
                }
                vertx.cancelTimer(p.timerId);
                schedule(p);
            }
            return;
        }
        if (inFlight >= shard.maxInFlight()) {
            shed(p, IN_FLIGHT_LIMIT, lateNanos);
            return;
        }
        meters.sent(lateNanos);
        p.inFlight = true;
        inFlight++;
        long lateSeenAtSend = lateSeen;
        long slightlyLateSeenAtSend = slightlyLateSeen;
        p.target.get().onSuccess(outcome -> {
            p.inFlight = false;
            inFlight--;
            // An answer for an instance removed meanwhile is dropped: a stopped instance failing its
            // probe says nothing about its version.
            if (stopped || probing.get(p.instance.key()) != p) {
                return;
            }
            // Answered (or timed out) while this loop was behind: the outcome and its latency may be
            // the loop's delay in reading the answer, not the instance's. A timeout that fired that
            // much too late says the same even when no timer of this shard noticed.
            long answeredNanos = System.nanoTime();
            boolean unansweredWhileLate = outcome.statusCode() == 0 && !outcome.ok() && (slightlyLateSeen != slightlyLateSeenAtSend
                    || answeredNanos - lastTickNanos > TICK_NANOS + FAILURE_LATENESS_NANOS);
            if (lateSeen != lateSeenAtSend || behind(answeredNanos) || unansweredWhileLate
                    || answeredNanos - now > timeoutNanosOf(p) + maxLatenessNanos) {
                meters.skipped(p.instance.service(), LOOP_BEHIND);
                publisher.publish(p.instance, ProbeOutcome.skipped(outcome.probedAt()));
                return;
            }
            publisher.publish(p.instance, outcome);
        });
    }

    /** Publishes the probe of {@code p} due {@code lateNanos} ago as skipped: this shard is overloaded. */
    private void shed(Probing p, String reason, long lateNanos) {
        if (reason.equals(LATE)) {
            lateSeen++;
        }
        meters.skipped(p.instance.service(), reason);
        long now = System.nanoTime();
        if (shedLoggedAtNanos == 0 || now - shedLoggedAtNanos >= SKIP_LOG_EVERY_NANOS) {
            shedLoggedAtNanos = now;
            LOG.warn("Probe loop {} of {} is overloaded ({}: a probe {} ms late, {} in flight, {} instances): publishing "
                            + "probes as skipped, not failed, until it catches up; give the watcher more cores or "
                            + "HEALTH_PROBE_LOOPS, or probe less often", shard.shard() + 1, shard.shards(), reason,
                    TimeUnit.NANOSECONDS.toMillis(lateNanos), inFlight, probing.size());
        }
        publisher.publish(p.instance, ProbeOutcome.skipped(Instant.now().minusNanos(lateNanos)));
    }

    private long timeoutNanosOf(Probing p) {
        HealthCheck check = p.instance.check();
        return TimeUnit.MILLISECONDS.toNanos(check == null ? probeTimeout.toMillis() : timeoutOf(check));
    }
}
