package io.kanary.bench.broker;

import io.kanary.bench.scenario.ProbeStream;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one {@link ProbeStream} through the real detector on the broker as fast as the broker takes
 * it: its deployment.started first (consumed before any probe), then every probe in stream order,
 * keyed by service with the health-watcher's headers, the probe times being event times (the
 * records' own timestamps are their send times, as the health-watcher's are). Once the detector has
 * consumed and committed the last probe, and everything committed on rollback.commands has been
 * read, the stream's verdict is whatever rollback command its deployment got.
 */
final class BrokerFeed {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * @param decisiveAt      the rollback command's issuedAt: the decisive probe's probe time; null without one
     * @param decisiveProbeId the probe the breach names as its cause, else null
     * @param problem         what broke the chain from the command back to a probe of the stream, else null
     */
    record Result(boolean rolledBack, Instant decisiveAt, String decisiveProbeId, String reason, String problem,
                  int probes, Duration took) {
    }

    private BrokerFeed() {
    }

    static Result feed(BrokerRig rig, ProbeStream stream) {
        long began = System.nanoTime();
        rig.startDeployment(stream.started());
        String deploymentId = stream.started().deploymentId();
        Map<String, String> hostEvents = new HashMap<>();
        Map<String, SentProbe> sent = new HashMap<>();
        SentProbe last = null;
        for (ProbeResult probe : stream.probes()) {
            // Each instance is probed because of its host.instance.started event, one per host.
            last = rig.sendProbe(probe, hostEvents.computeIfAbsent(probe.hostId(), host -> Ids.newId()));
            sent.put(probe.eventId(), last);
        }
        rig.flush();
        long lastOffset = last.ack().orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join().offset();
        rig.awaitConsumed(Topics.HEALTH_PROBES.name(), lastOffset + 1);
        rig.verdicts().awaitCaughtUp(rig.admin(), WAIT);
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        CompletableFuture<VerdictReader.Read<RollbackCommand>> command = rig.verdicts().command(deploymentId);
        if (!command.isDone()) {
            return new Result(false, null, null, null, null, sent.size(), took);
        }
        VerdictReader.Read<RollbackCommand> read = command.join();
        CompletableFuture<VerdictReader.Read<Breach>> breach = rig.verdicts().breach(deploymentId);
        String problem = breach.isDone() ? LatencyRun.chainProblem(read, breach.join(), sent)
                : "rollback command without its breach";
        return new Result(true, read.event().issuedAt(), breach.isDone() ? breach.join().causationId() : null,
                read.event().reason(), problem, sent.size(), took);
    }
}
