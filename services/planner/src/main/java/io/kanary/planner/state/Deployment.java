package io.kanary.planner.state;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One deployment's state. Everything but the health gates is derived from its deploy.events and
 * the host.events that answer its commands, so replaying the topics rebuilds it; the gates are
 * rebuilt from live probes after a restart.
 */
public final class Deployment {
    private final DeploymentEvent.Started started;
    private Phase phase = Phase.ROLLING;
    private int batch = -1;
    private String batchCauseId;
    private Instant batchStartedAt;
    private final Set<String> updatedHosts = new LinkedHashSet<>();
    private final Map<String, HostGate> gates = new LinkedHashMap<>();
    /** Hosts that could not carry out a command, with the event that said so. */
    private final Map<String, HostEvent.CommandFailed> failures = new LinkedHashMap<>();
    private final Set<String> awaitingRollback = new LinkedHashSet<>();
    private final List<String> rolledBackHosts = new ArrayList<>();
    private String lastRollbackConfirmationId;
    private Instant rollingBackAt;
    private String rollingBackEventId;
    private String reason;
    private Instant updatedAt;

    Deployment(DeploymentEvent.Started started) {
        this.started = started;
        this.updatedAt = started.at();
    }

    /** Applies one of this deployment's own events; the same code serves live decisions and replay. */
    void apply(DeploymentEvent event) {
        updatedAt = event.at();
        if (event instanceof DeploymentEvent.BatchStarted b) {
            batch = b.batch();
            batchCauseId = b.eventId();
            batchStartedAt = b.at();
            updatedHosts.addAll(b.hosts());
            gates.clear();
            failures.clear();
            b.hosts().forEach(h -> gates.put(h, new HostGate(h)));
        } else if (event instanceof DeploymentEvent.Succeeded) {
            phase = Phase.SUCCEEDED;
        } else if (event instanceof DeploymentEvent.RollingBack r) {
            phase = Phase.ROLLING_BACK;
            reason = r.reason();
            rollingBackAt = r.at();
            rollingBackEventId = r.eventId();
            failures.clear();
            awaitingRollback.addAll(r.hosts());
        } else if (event instanceof DeploymentEvent.RolledBack) {
            phase = Phase.ROLLED_BACK;
        } else if (event instanceof DeploymentEvent.Failed f) {
            phase = Phase.FAILED;
            reason = f.reason();
        } else if (event instanceof DeploymentEvent.Aborted a) {
            phase = Phase.ABORTED;
            reason = a.reason();
        } else if (event instanceof DeploymentEvent.Paused) {
            phase = Phase.PAUSED;
        } else if (event instanceof DeploymentEvent.Resumed) {
            phase = Phase.ROLLING;
        }
    }

    /** Notes a host event that answers one of this deployment's commands. */
    void observe(HostEvent.InstanceEvent event) {
        if (event instanceof HostEvent.Started s && phase == Phase.ROLLING && gates.containsKey(s.hostId())) {
            gates.get(s.hostId()).markInstanceStarted();
        } else if (event instanceof HostEvent.CommandFailed f && (phase == Phase.ROLLING || phase == Phase.ROLLING_BACK)) {
            failures.put(f.hostId(), f);
        } else if (event instanceof HostEvent.RolledBack r && phase == Phase.ROLLING_BACK
                && awaitingRollback.remove(r.hostId())) {
            rolledBackHosts.add(r.hostId());
            lastRollbackConfirmationId = r.eventId();
        }
    }

    public String id() {
        return started.deploymentId();
    }

    public String service() {
        return started.service();
    }

    public String version() {
        return started.version();
    }

    public Policy policy() {
        return started.policy();
    }

    public DeploymentEvent.Started started() {
        return started;
    }

    public Phase phase() {
        return phase;
    }

    /** The current batch, 0-based; -1 before the first. */
    public int batch() {
        return batch;
    }

    public int batchCount() {
        return started.batches().size();
    }

    public List<String> currentBatchHosts() {
        return batch < 0 ? List.of() : started.batches().get(batch);
    }

    public String batchCauseId() {
        return batchCauseId;
    }

    public Instant batchStartedAt() {
        return batchStartedAt;
    }

    public Map<String, HostGate> gates() {
        return Collections.unmodifiableMap(gates);
    }

    HostGate gate(String hostId) {
        return gates.get(hostId);
    }

    public Set<String> updatedHosts() {
        return Collections.unmodifiableSet(updatedHosts);
    }

    public Map<String, HostEvent.CommandFailed> failures() {
        return Collections.unmodifiableMap(failures);
    }

    public Set<String> awaitingRollback() {
        return Collections.unmodifiableSet(awaitingRollback);
    }

    public List<String> rolledBackHosts() {
        return Collections.unmodifiableList(rolledBackHosts);
    }

    public String lastRollbackConfirmationId() {
        return lastRollbackConfirmationId;
    }

    public Instant rollingBackAt() {
        return rollingBackAt;
    }

    public String rollingBackEventId() {
        return rollingBackEventId;
    }

    public String reason() {
        return reason;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public boolean allGatesPassed() {
        return !gates.isEmpty() && gates.values().stream().allMatch(HostGate::passed);
    }
}
