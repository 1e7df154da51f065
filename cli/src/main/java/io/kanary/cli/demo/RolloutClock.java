package io.kanary.cli.demo;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Measures a rollback as it happens, from the events a read_committed consumer sees:
 * the first failing probe of the new version (its probe time), the moment the rollback command
 * became readable, and the moment every rolled-back host answered a probe on its old version again.
 * Every instant is this machine's wall clock, so the differences are real durations.
 */
public final class RolloutClock {
    private final Map<String, DeploymentEvent.Started> deployments = new HashMap<>();
    private final Map<String, Measure> measures = new HashMap<>();
    /** instance id → deployment whose rollback brought it back. */
    private final Map<String, String> restoredInstances = new HashMap<>();

    private static final class Measure {
        Instant firstBadProbe;
        Instant rollbackReadable;
        final Map<String, Instant> hostsBackHealthy = new HashMap<>();
        int hostsRolledBack = -1;
    }

    /** The figures of one rolled-back deployment. */
    public record Figures(Duration badProbeToRollbackCommand, Duration rollbackCommandToAllHealthy, int hosts) {
    }

    public synchronized void observe(KanaryEvent event, Instant receivedAt) {
        if (event instanceof DeploymentEvent.Started started) {
            deployments.put(started.deploymentId(), started);
            measures.put(started.deploymentId(), new Measure());
        } else if (event instanceof ProbeResult probe && !probe.ok() && !probe.wasSkipped()) {
            activeWithVersion(probe.service(), probe.version()).ifPresent(m -> {
                if (m.firstBadProbe == null) {
                    m.firstBadProbe = probe.probedAt();
                }
            });
        } else if (event instanceof ProbeResult probe && restoredInstances.containsKey(probe.instanceId())) {
            Measure m = measures.get(restoredInstances.get(probe.instanceId()));
            if (m != null && m.rollbackReadable != null) {
                m.hostsBackHealthy.putIfAbsent(probe.hostId(), probe.probedAt());
            }
        } else if (event instanceof RollbackCommand command && measures.containsKey(command.deploymentId())) {
            Measure m = measures.get(command.deploymentId());
            if (m.rollbackReadable == null) {
                m.rollbackReadable = receivedAt;
            }
        } else if (event instanceof HostEvent.RolledBack back && back.instance() != null && back.deploymentId() != null) {
            restoredInstances.put(back.instance().instanceId(), back.deploymentId());
        } else if (event instanceof DeploymentEvent.RolledBack done && measures.containsKey(done.deploymentId())) {
            measures.get(done.deploymentId()).hostsRolledBack = done.hosts().size();
        }
    }

    private Optional<Measure> activeWithVersion(String service, String version) {
        return deployments.values().stream()
                .filter(d -> d.service().equals(service) && d.version().equals(version))
                .map(d -> measures.get(d.deploymentId()))
                .filter(m -> m.rollbackReadable == null)
                .findFirst();
    }

    /** The figures, once the rollback command was seen and every rolled-back host answered on its old version. */
    public synchronized Optional<Figures> figures(String deploymentId) {
        Measure m = measures.get(deploymentId);
        if (m == null || m.firstBadProbe == null || m.rollbackReadable == null || m.hostsRolledBack < 0
                || m.hostsBackHealthy.size() < m.hostsRolledBack) {
            return Optional.empty();
        }
        Instant allHealthy = m.hostsBackHealthy.values().stream().max(Instant::compareTo).orElse(m.rollbackReadable);
        return Optional.of(new Figures(Duration.between(m.firstBadProbe, m.rollbackReadable),
                Duration.between(m.rollbackReadable, allHealthy), m.hostsRolledBack));
    }
}
