package io.kanary.bench.broker;

import io.kanary.kafka.Ids;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One timed run against the rig: its own deployment of its own service {@code svc-<i>} (v2 over v1,
 * {@link Policy#defaults()}, laid out as {@code ProbeStreamGenerator} lays out its deployments: v2
 * on host-5, v1 on host-1..4), then live probes with probe time = now: v2 every {@code interval},
 * failing with {@code failureRate}, and a healthy v1 baseline (1% failures) every other interval.
 * It stops producing as soon as the run's rollback command is read, then follows the chain back:
 * rollback command → (ce_causationid, breachId) → breach → (ce_causationid) → the decisive probe.
 */
final class LatencyRun {
    static final String BASELINE = "v1";
    static final String CANDIDATE = "v2";
    static final String CANARY_HOST = "host-5";
    static final List<String> BASELINE_HOSTS = List.of("host-1", "host-2", "host-3", "host-4");
    static final double BASELINE_ERROR_RATE = 0.01;
    /** How long the breach may trail its rollback command: both are in one transaction, read by one consumer. */
    private static final Duration BREACH_WAIT = Duration.ofSeconds(10);

    private final BrokerRig rig;
    private final long intervalNanos;
    private final double failureRate;
    private final Duration timeout;

    /**
     * @param interval    how often v2 is probed (v1 every other interval)
     * @param failureRate share of v2's probes that fail (HTTP 500)
     * @param timeout     how long a run may wait for its rollback command before it counts as failed
     */
    LatencyRun(BrokerRig rig, Duration interval, double failureRate, Duration timeout) {
        this.rig = rig;
        this.intervalNanos = interval.toNanos();
        this.failureRate = failureRate;
        this.timeout = timeout;
    }

    LatencySample run(int index) {
        String service = "svc-" + index;
        String deploymentId = "d-" + service + "-" + Ids.newId();
        rig.startDeployment(new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION, deploymentId, service,
                CANDIDATE, BASELINE, Map.of(CANARY_HOST, BASELINE), null, Policy.defaults(),
                List.of(List.of(CANARY_HOST), BASELINE_HOSTS), "broker-bench", Instant.now()));
        CompletableFuture<VerdictReader.Read<RollbackCommand>> command = rig.verdicts().command(deploymentId);
        // The host.instance.started events that made the health-watcher probe each instance.
        String canaryCause = Ids.newId();
        String baselineCause = Ids.newId();
        SplittableRandom random = new SplittableRandom(index);
        Map<String, SentProbe> sent = new HashMap<>();
        long start = System.nanoTime();
        for (long tick = 0; !command.isDone(); tick++) {
            long due = start + tick * intervalNanos;
            for (long wait = due - System.nanoTime(); wait > 0 && !command.isDone(); wait = due - System.nanoTime()) {
                LockSupport.parkNanos(Math.min(wait, 1_000_000));
            }
            if (command.isDone()) {
                break;
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                return LatencySample.failed(index, service, deploymentId, sent.size(),
                        "no rollback command within " + timeout);
            }
            ProbeResult probe = probe(service, CANDIDATE, CANARY_HOST, random.nextDouble() < failureRate, random);
            sent.put(probe.eventId(), rig.sendProbe(probe, canaryCause));
            if (tick % 2 == 0) {
                String host = BASELINE_HOSTS.get((int) (tick / 2 % BASELINE_HOSTS.size()));
                ProbeResult base = probe(service, BASELINE, host, random.nextDouble() < BASELINE_ERROR_RATE, random);
                sent.put(base.eventId(), rig.sendProbe(base, baselineCause));
            }
        }
        return follow(index, service, deploymentId, command.join(), sent, start);
    }

    private LatencySample follow(int index, String service, String deploymentId, VerdictReader.Read<RollbackCommand> command,
                                 Map<String, SentProbe> sent, long start) {
        VerdictReader.Read<Breach> breach;
        try {
            breach = rig.verdicts().breach(deploymentId).get(BREACH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return LatencySample.failed(index, service, deploymentId, sent.size(), "rollback command without its breach");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String problem = chainProblem(command, breach, sent);
        if (problem != null) {
            return LatencySample.failed(index, service, deploymentId, sent.size(), problem);
        }
        SentProbe decisive = sent.get(breach.causationId());
        decisive.ack().orTimeout(BREACH_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        return new LatencySample(index, service, deploymentId, command, breach, decisive, start, sent.size(), null);
    }

    /** What breaks the chain from the rollback command to one of this run's v2 probes, or null. */
    static String chainProblem(VerdictReader.Read<RollbackCommand> command, VerdictReader.Read<Breach> breach,
                               Map<String, SentProbe> sent) {
        Breach b = breach.event();
        RollbackCommand c = command.event();
        if (!b.eventId().equals(command.causationId()) || !b.eventId().equals(c.breachId())) {
            return "rollback command " + c.eventId() + " is caused by " + command.causationId() + " / breachId "
                    + c.breachId() + ", not by breach " + b.eventId();
        }
        SentProbe decisive = sent.get(breach.causationId());
        if (decisive == null) {
            return "breach " + b.eventId() + " is caused by " + breach.causationId() + ", not a probe of this run";
        }
        ProbeResult probe = decisive.probe();
        if (!probe.version().equals(b.version()) || !probe.probedAt().equals(b.detectedAt())
                || !probe.probedAt().equals(c.issuedAt())) {
            return "decisive probe " + probe.eventId() + " (" + probe.version() + " at " + probe.probedAt()
                    + ") does not match breach (" + b.version() + " at " + b.detectedAt() + ") / command at " + c.issuedAt();
        }
        return null;
    }

    private static ProbeResult probe(String service, String version, String host, boolean failed, SplittableRandom random) {
        long latencyMs = 40 + random.nextInt(80);
        return new ProbeResult(Ids.newId(), KanaryEvent.SCHEMA_VERSION, service, version, host, "i-" + version + "-" + host,
                !failed, failed ? 500 : 200, latencyMs, Instant.now(), null);
    }
}
